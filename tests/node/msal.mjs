// msal.mjs - unmodified @azure/msal-node against roomsysd's OAuth2/OIDC
// endpoints (spec/admin-api.md sections 3 and 4.2). Driven by
// tests/e2e/test_oauth.sh; prints one JSON object per run.
//
//   node msal.mjs cc     BASE TENANT CLIENT_ID SECRET SCOPE
//   node msal.mjs ropc   BASE TENANT CLIENT_ID USER PASSWORD CACHEFILE
//   node msal.mjs silent BASE TENANT CLIENT_ID CACHEFILE
//   node msal.mjs verify BASE TENANT JWT   (an id_token against the JWKS)
//
// BASE is https://127.0.0.1:<port>; run with NODE_EXTRA_CA_CERTS=<roomsysd CA>.
import { ConfidentialClientApplication, PublicClientApplication } from '@azure/msal-node';
import crypto from 'node:crypto';
import fs from 'node:fs';
import https from 'node:https';

const [mode, base, tenant, clientId, ...rest] = process.argv.slice(2);
const authority = `${base}/${tenant}`;
const knownAuthorities = [new URL(base).host];

function out(o) {
    process.stdout.write(JSON.stringify(o) + '\n');
}

function failure(e) {
    return {
        ok: false,
        name: e?.name,
        errorCode: e?.errorCode,
        errorNo: e?.errorNo,
        subError: e?.subError,
        message: String(e?.errorMessage ?? e?.message ?? e).slice(0, 500),
    };
}

function getJson(url) {
    return new Promise((resolve, reject) => {
        https
            .get(url, (res) => {
                let body = '';
                res.on('data', (d) => (body += d));
                res.on('end', () => {
                    try {
                        resolve(JSON.parse(body));
                    } catch (e) {
                        reject(e);
                    }
                });
            })
            .on('error', reject);
    });
}

// Verify a compact RS256 JWS with node's crypto against the key of the JWKS
// the OIDC metadata names. Returns {valid, kid, alg, claims}.
async function verifyIdToken(idToken) {
    const meta = await getJson(`${authority}/v2.0/.well-known/openid-configuration`);
    const jwks = await getJson(meta.jwks_uri);
    const [h, p, s] = idToken.split('.');
    const header = JSON.parse(Buffer.from(h, 'base64url').toString());
    const claims = JSON.parse(Buffer.from(p, 'base64url').toString());
    const jwk = jwks.keys.find((k) => k.kid === header.kid);
    if (!jwk) return { valid: false, kid: header.kid, alg: header.alg, claims };
    const key = crypto.createPublicKey({ key: jwk, format: 'jwk' });
    const valid = crypto.verify('RSA-SHA256', Buffer.from(`${h}.${p}`), key, Buffer.from(s, 'base64url'));
    // a tampered payload must not verify
    const forged = Buffer.from(JSON.stringify({ ...claims, oid: '00000000-0000-0000-0000-000000000000' })).toString('base64url');
    const forgedValid = crypto.verify('RSA-SHA256', Buffer.from(`${h}.${forged}`), key, Buffer.from(s, 'base64url'));
    return { valid, forgedValid, kid: header.kid, alg: header.alg, kty: jwk.kty, use: jwk.use, claims, issuer: meta.issuer };
}

async function clientCredentials(secret, scope) {
    const cca = new ConfidentialClientApplication({
        auth: { clientId, clientSecret: secret, authority, knownAuthorities },
    });
    try {
        const r = await cca.acquireTokenByClientCredential({ scopes: [scope] });
        out({ ok: true, accessToken: r.accessToken, tokenType: r.tokenType, expiresOn: r.expiresOn, tenantId: r.tenantId, account: r.account });
    } catch (e) {
        out(failure(e));
    }
}

function publicApp(cacheFile) {
    const pca = new PublicClientApplication({ auth: { clientId, authority, knownAuthorities } });
    if (cacheFile && fs.existsSync(cacheFile)) pca.getTokenCache().deserialize(fs.readFileSync(cacheFile, 'utf8'));
    return pca;
}

async function ropc(username, password, cacheFile) {
    const pca = publicApp(null);
    const scopes = ['User.Read'];
    try {
        const r = await pca.acquireTokenByUsernamePassword({ scopes, username, password });
        const sig = r.idToken ? await verifyIdToken(r.idToken) : { valid: false };
        const accounts = await pca.getTokenCache().getAllAccounts();
        const s = await pca.acquireTokenSilent({ account: accounts[0], scopes, forceRefresh: true });
        const again = await pca.acquireTokenSilent({ account: accounts[0], scopes });
        fs.writeFileSync(cacheFile, pca.getTokenCache().serialize(), { mode: 0o600 });
        out({
            ok: true,
            accessToken: r.accessToken,
            homeAccountId: r.account?.homeAccountId,
            username: r.account?.username,
            tenantId: r.tenantId,
            idTokenClaims: r.idTokenClaims,
            signature: sig,
            refreshed: s.accessToken !== r.accessToken && !!s.accessToken,
            refreshedAccessToken: s.accessToken,
            silentFromCache: again.accessToken === s.accessToken,
        });
    } catch (e) {
        out(failure(e));
    }
}

async function silent(cacheFile) {
    const pca = publicApp(cacheFile);
    try {
        const accounts = await pca.getTokenCache().getAllAccounts();
        if (!accounts.length) return out({ ok: false, message: 'no account in the cache' });
        const r = await pca.acquireTokenSilent({ account: accounts[0], scopes: ['User.Read'], forceRefresh: true });
        fs.writeFileSync(cacheFile, pca.getTokenCache().serialize(), { mode: 0o600 }); // the rotated refresh token
        out({ ok: true, accessToken: r.accessToken });
    } catch (e) {
        out(failure(e));
    }
}

if (mode === 'cc') await clientCredentials(rest[0], rest[1]);
else if (mode === 'ropc') await ropc(rest[0], rest[1], rest[2]);
else if (mode === 'silent') await silent(rest[0]);
else if (mode === 'verify') out(await verifyIdToken(clientId)); // the 4th argument is the JWT
else {
    out({ ok: false, message: `unknown mode ${mode}` });
    process.exitCode = 2;
}
