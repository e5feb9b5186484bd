-- Bearer tokens for the REST API. Only a SHA-256 of each token is stored: a leaked table does
-- not leak usable tokens. Scope 'read' allows GETs; 'admin' allows everything.
CREATE TABLE api_tokens (
    id bigserial PRIMARY KEY,
    name text NOT NULL UNIQUE CHECK (name ~ '^[A-Za-z0-9_.:-]{1,64}$'),
    token_sha256 text NOT NULL UNIQUE CHECK (token_sha256 ~ '^[0-9a-f]{64}$'),
    scope text NOT NULL CHECK (scope IN ('read', 'admin')),
    created_at timestamptz NOT NULL DEFAULT now(),
    revoked_at timestamptz
);
