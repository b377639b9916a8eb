import { hash, verify } from '@node-rs/argon2';

/**
 * Argon2id with OWASP's first recommended setting (19 MiB, 2 passes, 1 lane): about 30 ms a
 * hash on a server core, which makes guessing offline costly and still answers a sign-in
 * at once. The parameters are in each PHC string, so raising them later leaves old hashes verifiable.
 * The algorithm is the library's default, Argon2id (the tests check the PHC string says so).
 */
const options = { memoryCost: 19_456, timeCost: 2, parallelism: 1, outputLen: 32 };

export const hashPassword = (password: string): Promise<string> => hash(password, options);

/**
 * A hash of nothing anyone knows, verified against when the email address has no account:
 * an unknown address then costs the same Argon2 work as a wrong password, so the time an
 * answer takes does not tell whether an account exists.
 */
const decoy = hash(`decoy-${Math.random()}`, options);

/** Whether `password` matches `stored`; with no stored hash, the same work against the decoy and false. */
export async function checkPassword(stored: string | undefined, password: string): Promise<boolean> {
  if (stored === undefined) {
    await verify(await decoy, password);
    return false;
  }
  return verify(stored, password);
}
