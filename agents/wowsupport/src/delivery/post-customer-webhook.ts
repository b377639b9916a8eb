// The incident notices (handlers/watch-incidents.ts, and their test) post to customers'
// webhooks as delivery does; the signed post is the support domain's since delivery moved
// to WowNotification. Goes when incidents/ moves to WowAnalytics and imports it from there.
export { postCustomerWebhook, verifyCustomerWebhook } from '#domains/support';
