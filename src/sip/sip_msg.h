/* sip_msg.h - SIP message, URI and digest parsing (RFC 3261 §7, §19, §20, §25;
 * RFC 7616/8760 digest arithmetic).
 *
 * A parsed message owns one private copy of the received bytes; every sip_str
 * in it is a view (pointer + length, not NUL-terminated) into that copy or into
 * the message's scratch arena, as Kamailio's `str`. Nothing outlives
 * sip_msg_free() unless copied. Design notes: docs/internals/sip.md.
 */
#ifndef SIP_MSG_H
#define SIP_MSG_H

#include <stddef.h>
#include <stdint.h>

#include "rs_err.h"

/* A view into a buffer owned by someone else (usually a sip_msg). */
typedef struct sip_str {
    const char *s;
    size_t len;
} sip_str;

/* Limits (sign-in.md §7). */
enum {
    SIP_MAX_MSG = 65535,    /* bytes per message (UDP datagram / stream message) */
    SIP_MAX_HEADERS = 100,  /* header lines per message */
    SIP_MAX_VIAS = 64,      /* via-parms per message */
    SIP_MAX_CONTACTS = 32,  /* contacts kept per message (more are counted, not kept) */
    SIP_MAX_AUTH = 4,       /* Authorization headers kept per message */
    SIP_MAX_URI_PARAMS = 32 /* parameters per URI */
};

typedef enum sip_scheme { SIP_SCHEME_OTHER = 0, SIP_SCHEME_SIP, SIP_SCHEME_SIPS } sip_scheme;

/* A parsed URI. For sip:/sips: every component is filled; for other schemes
 * only raw and scheme_str. Components are views in their escaped wire form. */
typedef struct sip_uri {
    sip_scheme scheme;
    sip_str raw;                                       /* the whole URI */
    sip_str scheme_str;                                /* "sip", "soap.beep", ... */
    sip_str user;                                      /* escaped; len 0 when absent */
    sip_str password;                                  /* escaped; only when has_password */
    sip_str host;                                      /* IPv6 references without the brackets */
    sip_str params;                                    /* ";a=b;c" or empty */
    sip_str headers;                                   /* text after '?', or empty */
    sip_str transport, user_param, method, maddr, ttl; /* well-known params (escaped values) */
    int has_user, has_password, host_ipv6;
    int port; /* -1 when absent */
    int lr, ob, nparams;
} sip_uri;

/* name-addr / addr-spec with header parameters (From, To, one Contact). */
typedef struct sip_nameaddr {
    sip_str raw;     /* the whole element, trimmed */
    sip_str display; /* as written (quotes kept), or empty */
    sip_uri uri;
    sip_str params; /* header params ";tag=x;..." as written, or empty */
    sip_str tag;    /* tag parameter value, or empty */
    int bracketed;  /* URI was in <> */
    int has_tag;
} sip_nameaddr;

typedef struct sip_contact {
    sip_nameaddr na;
    int64_t expires;  /* expires param: -1 absent, -2 malformed (treated as the default) */
    int q;            /* q * 1000, -1 absent */
    sip_str instance; /* +sip.instance value, quotes removed, or empty */
    int reg_id;       /* -1 absent */
} sip_contact;

typedef struct sip_via {
    sip_str raw;       /* the via-parm text, trimmed */
    sip_str version;   /* "2.0" */
    sip_str transport; /* "UDP", "TCP", ... */
    sip_str host;      /* sent-by host (IPv6 without brackets) */
    sip_str params;    /* ";branch=..;rport" or empty */
    sip_str branch;    /* empty when absent */
    sip_str received;  /* empty when absent */
    int host_ipv6;
    int port; /* -1 absent */
    int has_rport;
    int rport; /* value, -1 when rport had no value */
} sip_via;

/* One Authorization header. Digest values are unescaped (quotes removed). */
typedef struct sip_auth {
    sip_str scheme;
    int is_digest;
    int malformed;    /* syntax error inside the credentials */
    int duplicate;    /* some digest parameter appeared twice */
    unsigned present; /* bit set of SIP_DIGEST_* seen */
    sip_str username, realm, nonce, uri, response, algorithm, cnonce, opaque, qop, nc;
} sip_auth;

enum {
    SIP_DIGEST_USERNAME = 1u << 0,
    SIP_DIGEST_REALM = 1u << 1,
    SIP_DIGEST_NONCE = 1u << 2,
    SIP_DIGEST_URI = 1u << 3,
    SIP_DIGEST_RESPONSE = 1u << 4,
    SIP_DIGEST_ALGORITHM = 1u << 5,
    SIP_DIGEST_CNONCE = 1u << 6,
    SIP_DIGEST_OPAQUE = 1u << 7,
    SIP_DIGEST_QOP = 1u << 8,
    SIP_DIGEST_NC = 1u << 9
};

typedef enum sip_hdr_id {
    SIP_HDR_OTHER = 0,
    SIP_HDR_VIA,
    SIP_HDR_FROM,
    SIP_HDR_TO,
    SIP_HDR_CALL_ID,
    SIP_HDR_CSEQ,
    SIP_HDR_CONTACT,
    SIP_HDR_EXPIRES,
    SIP_HDR_CONTENT_LENGTH,
    SIP_HDR_AUTHORIZATION,
    SIP_HDR_REQUIRE,
    SIP_HDR_PROXY_REQUIRE,
    SIP_HDR_SUPPORTED,
    SIP_HDR_MAX_FORWARDS,
    SIP_HDR_CONTENT_TYPE
} sip_hdr_id;

typedef struct sip_header {
    sip_str name;  /* as written */
    sip_str value; /* unfolded, leading and trailing whitespace removed */
    sip_hdr_id id;
} sip_header;

typedef enum sip_method_id {
    SIP_METHOD_OTHER = 0,
    SIP_METHOD_REGISTER,
    SIP_METHOD_OPTIONS,
    SIP_METHOD_INVITE,
    SIP_METHOD_ACK,
    SIP_METHOD_CANCEL,
    SIP_METHOD_BYE
} sip_method_id;

typedef enum sip_msg_kind { SIP_MSG_NONE = 0, SIP_MSG_REQUEST, SIP_MSG_RESPONSE } sip_msg_kind;

/* Parse flags. */
enum {
    SIP_PARSE_STREAM = 1 /* TCP/TLS framing: Content-Length is mandatory */
};

typedef struct sip_msg {
    sip_msg_kind kind; /* NONE: empty keep-alive or not even a start line */
    /* First error found: 0 = none, else the status to answer (400, 505). The
     * parser keeps collecting headers after an error so a response can still
     * be addressed. */
    int err_status;
    const char *err_reason; /* static text */

    /* start line */
    sip_str method;
    sip_method_id method_id;
    sip_str ruri_raw;
    sip_uri ruri;
    int ruri_ok;
    sip_str version;
    int status_code;
    sip_str reason;

    int nhdrs; /* hdrs[0..nhdrs) */

    int nvias;   /* vias[0..nvias) */
    int via_err; /* a Via header failed to parse */

    sip_nameaddr from, to;
    int has_from, has_to;
    sip_str call_id;
    int has_call_id;
    uint32_t cseq;
    sip_str cseq_method;
    int has_cseq;

    int ncontacts;     /* kept in contacts[] */
    int contact_total; /* all contacts seen (may exceed SIP_MAX_CONTACTS) */
    int contact_star;  /* "Contact: *" */
    int has_contact;

    int64_t expires;        /* Expires header: -1 absent, -2 malformed */
    int64_t content_length; /* -1 absent */
    int max_forwards;       /* -1 absent or out of range */

    int nauth; /* auth[0..nauth) */

    sip_str body;

    /* storage (private) */
    char *buf;
    size_t len;
    char *arena;
    size_t arena_used, arena_cap;

    /* The arrays come last: sip_msg_parse zeroes only what precedes hdrs
     * (about 1 KiB, not 12), and fills each element it counts in full. */
    sip_header hdrs[SIP_MAX_HEADERS];
    sip_via vias[SIP_MAX_VIAS];
    sip_contact contacts[SIP_MAX_CONTACTS];
    sip_auth auth[SIP_MAX_AUTH];
} sip_msg;

/* Parse one message from buf[0..len). Never returns NULL: check kind and
 * err_status. buf is copied (borrowed only during the call); the caller owns
 * the result and frees it with sip_msg_free(). */
sip_msg *sip_msg_parse(const char *buf, size_t len, unsigned flags);

/* Free a message from sip_msg_parse(). NULL-safe. */
void sip_msg_free(sip_msg *m);

/* Find the first header with id `id` (or, for SIP_HDR_OTHER, with name `name`,
 * case-insensitive). Returns a pointer into m, or NULL. `name` is borrowed. */
const sip_header *sip_msg_header(const sip_msg *m, sip_hdr_id id, const char *name);

/* Write the message back in canonical form (start line, one "Name: value"
 * line per header as parsed, blank line, body) into a new NUL-terminated
 * string the caller frees; *out_len gets its length. Used for round-trip
 * tests. */
char *sip_msg_serialize(const sip_msg *m, size_t *out_len);

/* Parse a URI (any scheme; full grammar for sip:/sips:). Views point into s,
 * which is borrowed and must outlive *out. Returns RS_OK or RS_EPARSE. */
rs_status sip_uri_parse(const char *s, size_t len, sip_uri *out);

/* RFC 3261 §19.1.4 URI equality. 1 when equal. */
int sip_uri_equal(const sip_uri *a, const sip_uri *b);

/* Canonical lower-case address-of-record "user@host" (or "host") of a sip/sips
 * URI: escapes decoded, characters outside the user grammar re-escaped as %XX.
 * Writes at most outsz bytes including the NUL; returns the full length that
 * was needed (so >= outsz means truncated). */
size_t sip_uri_aor(const sip_uri *u, char *out, size_t outsz);

/* Canonicalise a plain digest username the way sip_uri_aor() does (no escape
 * decoding). Same return convention. `s` is borrowed. */
size_t sip_username_canon(const char *s, size_t len, char *out, size_t outsz);

/* Iterate ";name[=value]" parameters of a params view (URI or header
 * params, as produced by the parser). On each call fills name/value (value
 * empty and *has_value 0 when absent; quoted values keep their quotes) and
 * advances *rest; returns 0 at the end. */
int sip_param_next(sip_str *rest, sip_str *name, sip_str *value, int *has_value);

/* Iterate the comma-separated option tags of a Require/Supported/Proxy-Require
 * value. Returns 0 at the end. */
int sip_token_next(sip_str *rest, sip_str *tok);

/* Digest algorithms (RFC 8760). */
typedef enum sip_digest_alg { SIP_DIGEST_MD5 = 0, SIP_DIGEST_SHA256 = 1 } sip_digest_alg;

/* Hex length of an algorithm's digests (32 or 64). */
size_t sip_digest_hexlen(sip_digest_alg alg);

/* H(data) as lower-case hex into out (at least 65 bytes). */
void sip_digest_hash(sip_digest_alg alg, const void *data, size_t len, char *out);

/* HA1 = H(username:realm:password). All strings borrowed; out has 65 bytes. */
void sip_digest_ha1(sip_digest_alg alg, const char *username, const char *realm,
                    const char *password, char *out);

/* response = H(HA1:nonce:nc:cnonce:qop:H(method:uri)) (qop given), or
 * H(HA1:nonce:H(method:uri)) when qop is NULL. All strings borrowed; out has
 * 65 bytes. */
void sip_digest_response(sip_digest_alg alg, const char *ha1, const char *nonce, const char *nc,
                         const char *cnonce, const char *qop, const char *method, const char *uri,
                         char *out);

#endif
