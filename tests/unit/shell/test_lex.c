/* test_lex.c - the two-mode tokenizer: argument-mode words, parameters,
 * expansions, strings and numbers. */
#include "lex.h"
#include "shell_test.h"

/* Lex the whole of src in one mode; returns the number of tokens (max 16). */
static int lex_all(const char *src, lang_lexmode mode, lang_token *toks)
{
    lang_lexer lx = {src, strlen(src), NULL, NULL};
    uint32_t pos = 0;
    int n = 0;
    while (n < 16) {
        bool ok = lang_lex(&lx, pos, mode, &toks[n]);
        if (!ok || toks[n].kind == T_EOF)
            return n + 1;
        pos = toks[n].end;
        n++;
    }
    return n;
}

static void clear_all(lang_token *t, int n)
{
    for (int i = 0; i < n; i++)
        lang_token_clear(&t[i]);
}

/* admin@$org is ONE argument: the text "admin@" followed by $org. */
static void test_generic_with_variable(void **state)
{
    (void)state;
    lang_token t[16];
    int n = lex_all("admin@$org", LEX_CMD, t);
    assert_int_equal(n, 2);
    assert_int_equal(t[0].kind, T_GENERIC);
    assert_non_null(t[0].expand);
    assert_int_equal(t[0].expand->nkids, 2);
    assert_int_equal(t[0].expand->kids[0]->kind, N_CONST);
    assert_string_equal(t[0].expand->kids[0]->value->u.str.s, "admin@");
    assert_int_equal(t[0].expand->kids[1]->kind, N_VAR);
    assert_string_equal(t[0].expand->kids[1]->name, "org");
    clear_all(t, n);
}

/* LRS01@ contoso.com is TWO arguments. */
static void test_space_splits_words(void **state)
{
    (void)state;
    lang_token t[16];
    int n = lex_all("LRS01@ contoso.com", LEX_CMD, t);
    assert_int_equal(n, 3);
    assert_int_equal(t[0].kind, T_GENERIC);
    assert_string_equal(t[0].text, "LRS01@");
    assert_int_equal(t[1].kind, T_GENERIC);
    assert_string_equal(t[1].text, "contoso.com");
    assert_int_equal(t[2].kind, T_EOF);
    clear_all(t, n);
}

/* -RegistrarPool'x' : a quote is never part of a parameter; PowerShell turns
 * the whole word into an argument whose value has the quotes removed. */
static void test_param_glued_quote_is_argument(void **state)
{
    (void)state;
    lang_token t[16];
    int n = lex_all("-RegistrarPool'sippoolbl20a04.infra.lync.com' -SipAddressType x", LEX_CMD, t);
    assert_int_equal(t[0].kind, T_GENERIC);
    assert_string_equal(t[0].text, "-RegistrarPoolsippoolbl20a04.infra.lync.com");
    assert_int_equal(t[1].kind, T_PARAM);
    assert_string_equal(t[1].text, "SipAddressType");
    clear_all(t, n);
}

static void test_parameters(void **state)
{
    (void)state;
    lang_token t[16];
    int n = lex_all("-Confirm:$false -Room -Name:x", LEX_CMD, t);
    assert_int_equal(t[0].kind, T_PARAM);
    assert_string_equal(t[0].text, "Confirm");
    assert_true(t[0].flags & TF_COLON);
    assert_int_equal(t[1].kind, T_VAR);
    assert_string_equal(t[1].text, "false");
    assert_int_equal(t[2].kind, T_PARAM);
    assert_false(t[2].flags & TF_COLON);
    assert_int_equal(t[3].kind, T_PARAM);
    assert_int_equal(t[4].kind, T_GENERIC);
    assert_string_equal(t[4].text, "x");
    clear_all(t, n);
}

/* In expression mode -eq is an operator, in argument mode a parameter. */
static void test_operator_vs_parameter(void **state)
{
    (void)state;
    lang_token t[16];
    int n = lex_all("$a -eq 1", LEX_EXPR, t);
    assert_int_equal(t[1].kind, T_OP);
    assert_int_equal(t[1].op, OP_EQ);
    clear_all(t, n);
    n = lex_all("X -eq 1", LEX_CMD, t);
    assert_int_equal(t[1].kind, T_PARAM);
    assert_string_equal(t[1].text, "eq");
    clear_all(t, n);
}

static void test_wildcards_and_aliases_are_words(void **state)
{
    (void)state;
    lang_token t[16];
    int n = lex_all("fl *registrarpool*", LEX_CMD, t);
    assert_int_equal(t[1].kind, T_GENERIC);
    assert_string_equal(t[1].text, "*registrarpool*");
    clear_all(t, n);
    n = lex_all("% ?", LEX_CMD, t);
    assert_string_equal(t[0].text, "%");
    assert_string_equal(t[1].text, "?");
    clear_all(t, n);
}

static void test_strings(void **state)
{
    (void)state;
    lang_token t[16];
    int n = lex_all("'it''s' \"a`tb\"\"c\" 'x'", LEX_EXPR, t);
    assert_int_equal(t[0].kind, T_STRING);
    assert_string_equal(t[0].text, "it's");
    assert_int_equal(t[1].kind, T_EXPSTR);
    assert_string_equal(t[1].text, "a\tb\"c");
    clear_all(t, n);
    /* an unterminated string is an incomplete-input error */
    n = lex_all("\"abc", LEX_EXPR, t);
    assert_int_equal(t[n - 1].kind, T_ERROR);
    assert_true(t[n - 1].flags & TF_INCOMPLETE);
    assert_string_equal(t[n - 1].errid, "TerminatorExpectedAtEndOfString");
    clear_all(t, n);
}

static void test_here_string(void **state)
{
    (void)state;
    lang_token t[16];
    int n = lex_all("@'\nline1\n'quoted'\n'@", LEX_EXPR, t);
    assert_int_equal(t[0].kind, T_STRING);
    assert_string_equal(t[0].text, "line1\n'quoted'");
    clear_all(t, n);
}

static void test_numbers(void **state)
{
    (void)state;
    lang_token t[16];
    int n = lex_all("42 1.5 0x10 2kb", LEX_EXPR, t);
    assert_int_equal(t[0].num->u.i, 42);
    assert_true(t[1].num->type == LV_DOUBLE);
    assert_int_equal(t[2].num->u.i, 16);
    assert_int_equal(t[3].num->u.i, 2048);
    clear_all(t, n);
    /* in argument mode a number glued to letters is a word */
    n = lex_all("10s 192.168.0.1 5", LEX_CMD, t);
    assert_int_equal(t[0].kind, T_GENERIC);
    assert_string_equal(t[0].text, "10s");
    assert_int_equal(t[1].kind, T_GENERIC);
    assert_int_equal(t[2].kind, T_NUMBER);
    clear_all(t, n);
}

static void test_comments_and_continuation(void **state)
{
    (void)state;
    lang_token t[16];
    int n = lex_all("a # comment\n<# block\n #> b `\n c", LEX_CMD, t);
    assert_int_equal(t[0].kind, T_GENERIC);
    assert_int_equal(t[1].kind, T_NEWLINE);
    assert_int_equal(t[2].kind, T_GENERIC);
    assert_string_equal(t[2].text, "b");
    assert_int_equal(t[3].kind, T_GENERIC); /* the line continuation is blank */
    assert_string_equal(t[3].text, "c");
    clear_all(t, n);
}

/* Typographic quotes and dashes pasted from web pages work as in PowerShell. */
static void test_smart_quotes_and_dashes(void **state)
{
    (void)state;
    lang_token t[16];
    int n = lex_all("\xE2\x80\x93Identity \xE2\x80\x98pass\xE2\x80\x99", LEX_CMD, t);
    assert_int_equal(t[0].kind, T_PARAM);
    assert_string_equal(t[0].text, "Identity");
    assert_int_equal(t[1].kind, T_STRING);
    assert_string_equal(t[1].text, "pass");
    clear_all(t, n);
}

static void test_variables(void **state)
{
    (void)state;
    lang_token t[16];
    int n = lex_all("${my var} $env:HOME $_.Name", LEX_EXPR, t);
    assert_int_equal(t[0].kind, T_VAR);
    assert_string_equal(t[0].text, "my var");
    assert_string_equal(t[1].text, "env:HOME");
    assert_string_equal(t[2].text, "_");
    assert_int_equal(t[3].kind, T_DOT);
    clear_all(t, n);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_generic_with_variable),
        cmocka_unit_test(test_space_splits_words),
        cmocka_unit_test(test_param_glued_quote_is_argument),
        cmocka_unit_test(test_parameters),
        cmocka_unit_test(test_operator_vs_parameter),
        cmocka_unit_test(test_wildcards_and_aliases_are_words),
        cmocka_unit_test(test_strings),
        cmocka_unit_test(test_here_string),
        cmocka_unit_test(test_numbers),
        cmocka_unit_test(test_comments_and_continuation),
        cmocka_unit_test(test_smart_quotes_and_dashes),
        cmocka_unit_test(test_variables),
    };
    return cmocka_run_group_tests_name("shell_lex", tests, NULL, NULL);
}
