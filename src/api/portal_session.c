/* portal_session.c - see portal_session.h. */
#include "portal_session.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "rs_util.h"

typedef struct node {
    portal_sess s;
    struct node *next;
} node;

struct portal_sessions {
    pthread_mutex_t mu;
    node *head; /* newest first */
    size_t n, max;
    int64_t idle_ms, absolute_ms;
    char **ended; /* tokens of ended sessions, to revoke (portal_sessions_take_ended) */
    size_t nended, capended;
};

static void token_free(char *tok)
{
    if (tok) {
        rs_wipe(tok, strlen(tok));
        free(tok);
    }
}

static void node_free(node *d)
{
    token_free(d->s.token);
    rs_wipe(d, sizeof *d);
    free(d);
}

/* With t->mu held: a session ends; its token waits to be revoked. */
static void node_end(portal_sessions *t, node *d)
{
    if (d->s.token) {
        if (t->nended + 1 >= t->capended) {
            t->capended = t->capended ? 2 * t->capended : 16;
            t->ended = rs_realloc(t->ended, t->capended * sizeof *t->ended);
        }
        t->ended[t->nended++] = d->s.token;
        d->s.token = NULL;
    }
    node_free(d);
}

portal_sessions *portal_sessions_new(size_t max, int64_t idle_ms, int64_t absolute_ms)
{
    portal_sessions *t = rs_calloc(1, sizeof *t);
    pthread_mutex_init(&t->mu, NULL);
    t->max = max ? max : 1;
    t->idle_ms = idle_ms;
    t->absolute_ms = absolute_ms;
    return t;
}

void portal_sessions_free(portal_sessions *t)
{
    if (!t)
        return;
    while (t->head) {
        node *d = t->head;
        t->head = d->next;
        node_free(d);
    }
    for (size_t i = 0; i < t->nended; i++)
        token_free(t->ended[i]);
    free(t->ended);
    pthread_mutex_destroy(&t->mu);
    free(t);
}

static bool expired(const portal_sessions *t, const portal_sess *s, int64_t now)
{
    return now - s->last_ms >= t->idle_ms || now - s->created_ms >= t->absolute_ms ||
           (s->token_exp_ms && now >= s->token_exp_ms);
}

/* With t->mu held. */
static void sweep(portal_sessions *t, int64_t now)
{
    for (node **pp = &t->head; *pp;) {
        if (expired(t, &(*pp)->s, now)) {
            node *d = *pp;
            *pp = d->next;
            t->n--;
            node_end(t, d);
        } else
            pp = &(*pp)->next;
    }
}

void portal_sessions_start(portal_sessions *t, const char *upn, char *token, int64_t now_ms,
                           char cookie[PORTAL_COOKIE_LEN])
{
    node *d = rs_calloc(1, sizeof *d);
    unsigned char raw[32];
    rs_random(raw, sizeof raw);
    rs_base64url(raw, sizeof raw, cookie);
    rs_sha256(cookie, strlen(cookie), d->s.key);
    rs_random(raw, sizeof raw);
    rs_base64url(raw, sizeof raw, d->s.csrf);
    rs_wipe(raw, sizeof raw);
    d->s.token = token;
    snprintf(d->s.upn, sizeof d->s.upn, "%s", upn ? upn : "");
    d->s.created_ms = d->s.last_ms = now_ms;
    pthread_mutex_lock(&t->mu);
    sweep(t, now_ms);
    if (t->n >= t->max) { /* drop the oldest: the list's tail */
        node **pp = &t->head;
        while ((*pp)->next)
            pp = &(*pp)->next;
        node_end(t, *pp);
        *pp = NULL;
        t->n--;
    }
    d->next = t->head;
    t->head = d;
    t->n++;
    pthread_mutex_unlock(&t->mu);
}

bool portal_sessions_find(portal_sessions *t, const char *cookie, int64_t now_ms, portal_sess *out)
{
    memset(out, 0, sizeof *out);
    if (!cookie || !*cookie)
        return false;
    unsigned char key[32];
    rs_sha256(cookie, strlen(cookie), key);
    bool found = false;
    pthread_mutex_lock(&t->mu);
    sweep(t, now_ms);
    for (node *d = t->head; d; d = d->next)
        if (rs_ct_equal(d->s.key, key, sizeof key)) {
            d->s.last_ms = now_ms;
            *out = d->s;
            out->token = rs_strdup(d->s.token);
            found = true;
            break;
        }
    pthread_mutex_unlock(&t->mu);
    return found;
}

void portal_sessions_remove(portal_sessions *t, const unsigned char key[32])
{
    pthread_mutex_lock(&t->mu);
    for (node **pp = &t->head; *pp; pp = &(*pp)->next)
        if (rs_ct_equal((*pp)->s.key, key, 32)) {
            node *d = *pp;
            *pp = d->next;
            t->n--;
            node_end(t, d);
            break;
        }
    pthread_mutex_unlock(&t->mu);
}

void portal_sessions_set_token_exp(portal_sessions *t, const unsigned char key[32], int64_t exp_ms)
{
    pthread_mutex_lock(&t->mu);
    for (node *d = t->head; d; d = d->next)
        if (rs_ct_equal(d->s.key, key, 32)) {
            d->s.token_exp_ms = exp_ms;
            break;
        }
    pthread_mutex_unlock(&t->mu);
}

char **portal_sessions_take_ended(portal_sessions *t, int64_t now_ms)
{
    pthread_mutex_lock(&t->mu);
    sweep(t, now_ms);
    char **out = NULL;
    if (t->nended) {
        out = t->ended;
        out[t->nended] = NULL; /* room kept by node_end */
        t->ended = NULL;
        t->nended = t->capended = 0;
    }
    pthread_mutex_unlock(&t->mu);
    return out;
}

void portal_tokens_free(char **toks)
{
    for (size_t i = 0; toks && toks[i]; i++)
        token_free(toks[i]);
    free(toks);
}

int64_t portal_sessions_extend_to(const portal_sessions *t, const portal_sess *s, int64_t now_ms)
{
    int64_t slack = t->idle_ms / 10 < 60000 ? t->idle_ms / 10 : 60000;
    int64_t cap = s->created_ms + t->absolute_ms;
    int64_t want = now_ms + t->idle_ms < cap ? now_ms + t->idle_ms : cap;
    if (s->token_exp_ms && s->token_exp_ms - now_ms >= t->idle_ms - slack)
        return 0; /* enough life left */
    return want > s->token_exp_ms ? want : 0;
}

size_t portal_sessions_count(portal_sessions *t)
{
    pthread_mutex_lock(&t->mu);
    size_t n = t->n;
    pthread_mutex_unlock(&t->mu);
    return n;
}

void portal_sess_clear(portal_sess *s)
{
    token_free(s->token);
    rs_wipe(s, sizeof *s);
}

bool portal_cookie_get(const char *hdr, const char *name, char *out, size_t cap)
{
    size_t nl = strlen(name);
    for (const char *s = hdr; s && *s;) {
        while (*s == ' ' || *s == ';')
            s++;
        const char *e = strchr(s, ';');
        size_t len = e ? (size_t)(e - s) : strlen(s);
        if (len > nl && !strncmp(s, name, nl) && s[nl] == '=') {
            size_t vl = len - nl - 1;
            while (vl && s[nl + 1 + vl - 1] == ' ') /* trailing blanks before ';' */
                vl--;
            if (vl >= cap)
                return false;
            memcpy(out, s + nl + 1, vl);
            out[vl] = '\0';
            return true;
        }
        s = e;
    }
    return false;
}

bool portal_csrf_ok(const portal_sess *s, const char *given)
{
    size_t n = strlen(s->csrf);
    return n && given && strlen(given) == n && rs_ct_equal(s->csrf, given, n);
}

bool portal_same_origin(const char *sec_fetch_site, const char *origin, const char *host)
{
    if (sec_fetch_site && strcmp(sec_fetch_site, "same-origin") != 0 &&
        strcmp(sec_fetch_site, "none") != 0)
        return false;
    if (origin) {
        char want[320];
        snprintf(want, sizeof want, "https://%s", host ? host : "");
        if (!rs_streq_ci(origin, want))
            return false;
    }
    return true;
}
