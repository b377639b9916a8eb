/** The VC data model's context every credential here names. */
export const credentialsContext = 'https://www.w3.org/2018/credentials/v1';

/** The JWT header `typ` of every credential, so that none can pass for another kind of token. */
export const credentialTyp = 'vc+jwt';
