/* fuzz_api_parse.c - libFuzzer target for what the HTTPS API and the binding
 * store read from outside: a Graph $filter (parse, then evaluate against a
 * user-like object), an InvokeCommand body, an x-www-form-urlencoded body
 * (the token endpoint and the portal's sign-in), a bearer header, and a saved
 * SIP binding record (state/bindings.db). The first byte picks the parser;
 * bad input must be a clear error, never a crash, a leak or a hang. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "api_internal.h"
#include "graph_filter.h"
#include "sip.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void filter(const char *text)
{
    static const char *const props[] = {"displayName",   "userPrincipalName", "accountEnabled",
                                        "usageLocation", "capacity",          NULL};
    gf_node *n = NULL;
    rs_err err = {0};
    if (gf_parse(text, props, "user", &n, &err) != RS_OK)
        return;
    json_t *o = json_pack("{s:s,s:s,s:b,s:n,s:i}", "displayName", "Conf Room 2",
                          "userPrincipalName", "confrm2@contoso.onmicrosoft.com", "accountEnabled",
                          1, "usageLocation", "capacity", 12);
    (void)gf_eval(n, o);
    json_decref(o);
    gf_free(n);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 1 || size > 65536)
        return 0;
    int which = data[0] % 5;
    data++;
    size--;
    char *text = malloc(size + 1);
    memcpy(text, data, size);
    text[size] = '\0';
    rs_err err = {0};
    switch (which) {
    case 0:
        filter(text);
        break;
    case 1: {
        char *name = NULL;
        json_t *params = NULL;
        if (api_parse_invoke_body(text, size, &name, &params, &err) == RS_OK) {
            api_apply_select(params, "Identity,Name");
            free(name);
            json_decref(params);
        }
        break;
    }
    case 2: {
        api_form f = {0};
        if (api_form_parse(text, size, &f, &err) == RS_OK) {
            (void)api_form_get(&f, "grant_type");
            (void)api_form_get_ci(&f, "PASSWORD");
            api_form_free(&f);
        }
        break;
    }
    case 3: {
        size_t len = 0;
        (void)api_bearer_token(text, &len);
        (void)api_host_ok(text);
        (void)api_header_token_ok(text);
        break;
    }
    default: {
        /* a record that decodes survives a round trip unchanged */
        sip_binding_rec recs[8], back[8];
        char *arena = NULL, *arena2 = NULL;
        int n = sip_bindings_decode(data, size, recs, 8, &arena);
        if (n >= 0) {
            unsigned char *rec = NULL;
            size_t len = sip_bindings_encode(recs, n, &rec);
            if (len != size || memcmp(rec, data, size) != 0 ||
                sip_bindings_decode(rec, len, back, 8, &arena2) != n)
                abort();
            free(rec);
        }
        free(arena);
        free(arena2);
        break;
    }
    }
    free(text);
    return 0;
}
