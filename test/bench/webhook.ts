export async function benchWebhook(_args: string[]): Promise<void> {}
