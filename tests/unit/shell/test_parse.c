/* test_parse.c - the parser: tree shapes of the seed's statements, syntax
 * errors with PowerShell's ids and texts, and incomplete input. */
#include "parse.h"
#include "shell_test.h"

static lang_program *parse_ok(const char *text)
{
    lang_source *src = lang_source_new(NULL, text, strlen(text));
    lang_parse_error pe;
    lang_program *p = lang_parse(src, &pe);
    if (!p)
        print_error("parse error %s: %s at %u\n", pe.errid, pe.msg, pe.pos);
    assert_non_null(p);
    lang_source_unref(src);
    return p;
}

static lang_parse_error parse_err(const char *text)
{
    lang_source *src = lang_source_new(NULL, text, strlen(text));
    lang_parse_error pe;
    lang_program *p = lang_parse(src, &pe);
    assert_null(p);
    lang_source_unref(src);
    return pe;
}

/* Set-Mailbox ... -RoomMailboxPassword (ConvertTo-SecureString $newpass -AsPlainText -Force) */
static void test_seed_command_shape(void **state)
{
    (void)state;
    lang_program *p =
        parse_ok("Set-Mailbox -Identity $rm  -EnableRoomMailboxAccount $true -RoomMailboxPassword "
                 "(ConvertTo-SecureString $newpass -AsPlainText -Force)");
    lang_node *pipe = p->root->kids[0];
    assert_int_equal(pipe->kind, N_PIPELINE);
    lang_node *cmd = pipe->kids[0];
    assert_int_equal(cmd->kind, N_COMMAND);
    assert_int_equal(cmd->nkids, 7);
    assert_string_equal(cmd->kids[0]->value->u.str.s, "Set-Mailbox");
    assert_int_equal(cmd->kids[1]->kind, N_CMD_PARAM);
    assert_string_equal(cmd->kids[1]->name, "Identity");
    assert_int_equal(cmd->kids[2]->kind, N_VAR);
    assert_int_equal(cmd->kids[6]->kind, N_PAREN);
    lang_node *inner = cmd->kids[6]->a->kids[0];
    assert_int_equal(inner->kind, N_COMMAND);
    assert_string_equal(inner->kids[0]->value->u.str.s, "ConvertTo-SecureString");
    lang_program_unref(p);
}

static void test_assignment_of_command(void **state)
{
    (void)state;
    lang_program *p = parse_ok("$cred=Get-Credential admin@$org");
    lang_node *a = p->root->kids[0];
    assert_int_equal(a->kind, N_ASSIGN);
    assert_int_equal(a->a->kind, N_VAR);
    lang_node *cmd = a->b->kids[0];
    assert_int_equal(cmd->kind, N_COMMAND);
    assert_int_equal(cmd->nkids, 2);
    assert_int_equal(cmd->kids[1]->kind, N_EXPAND);
    lang_program_unref(p);
}

static void test_pipeline_and_member(void **state)
{
    (void)state;
    lang_program *p = parse_ok("Get-CsOnlineUser -Identity 'alice@contoso.onmicrosoft.com'| fl "
                               "*registrarpool*\n(Get-Credential).password");
    lang_node *pipe = p->root->kids[0];
    assert_int_equal(pipe->nkids, 2);
    assert_string_equal(pipe->kids[1]->kids[1]->value->u.str.s, "*registrarpool*");
    lang_node *m = p->root->kids[1]->kids[0];
    assert_int_equal(m->kind, N_MEMBER);
    assert_int_equal(m->a->kind, N_PAREN);
    lang_program_unref(p);
}

/* Operator precedence: -and/-or bind looser than comparisons; ',' tighter than '+'. */
static void test_precedence(void **state)
{
    (void)state;
    lang_program *p = parse_ok("$a -eq 1 -and $b -ne 2");
    lang_node *e = p->root->kids[0]->kids[0];
    assert_int_equal(e->kind, N_BINARY);
    assert_int_equal(e->op, OP_AND);
    assert_int_equal(e->a->op, OP_EQ);
    lang_program_unref(p);
    p = parse_ok("1,2 + 3");
    e = p->root->kids[0]->kids[0];
    assert_int_equal(e->op, OP_ADD);
    assert_int_equal(e->a->kind, N_ARRAY);
    lang_program_unref(p);
}

static void test_statements(void **state)
{
    (void)state;
    lang_program *p = parse_ok("if ($x) { 1 } elseif ($y) { 2 }\nelse { 3 }\n"
                               "foreach ($i in 1..3) { $i }\n"
                               "try { throw 'x' } catch [System.Exception] { $_ } finally { }\n"
                               "function f($a, $b = 2) { $a + $b }");
    assert_int_equal(p->root->nkids, 4);
    assert_int_equal(p->root->kids[0]->kind, N_IF);
    assert_non_null(p->root->kids[0]->c);
    assert_int_equal(p->root->kids[1]->kind, N_FOREACH);
    assert_int_equal(p->root->kids[2]->kind, N_TRY);
    assert_int_equal(p->root->kids[2]->kids[0]->ntypes, 1);
    assert_int_equal(p->root->kids[3]->kind, N_FUNCTION);
    assert_int_equal(p->root->kids[3]->a->b->nkids, 2);
    lang_program_unref(p);
}

static void test_hash_and_array_literals(void **state)
{
    (void)state;
    lang_program *p = parse_ok("@{Add=\"ES: x\";Remove=\"y\"}\n@(1, 2)\n@{\n a = 1\n b = 2\n}");
    assert_int_equal(p->root->kids[0]->kids[0]->kind, N_HASH);
    assert_int_equal(p->root->kids[0]->kids[0]->nkids, 4);
    assert_int_equal(p->root->kids[1]->kids[0]->kind, N_ARRAYEXPR);
    assert_int_equal(p->root->kids[2]->kids[0]->nkids, 4);
    lang_program_unref(p);
}

static void test_errors(void **state)
{
    (void)state;
    lang_parse_error e = parse_err("if ($x {");
    assert_string_equal(e.errid, "MissingEndParenthesisAfterStatement");
    assert_string_equal(e.msg, "Missing closing ')' after expression in 'if' statement.");
    e = parse_err("$x = 1 +");
    assert_string_equal(e.msg, "You must provide a value expression following the '+' operator.");
    assert_true(e.incomplete);
    e = parse_err("1 | 2");
    assert_string_equal(e.errid, "ExpressionsMustBeFirstInPipeline");
    e = parse_err("$a = )");
    assert_string_equal(e.msg, "You must provide a value expression following the '=' operator.");
    e = parse_err("try { }");
    assert_string_equal(e.errid, "MissingCatchOrFinally");
    e = parse_err("\"abc\" def");
    assert_string_equal(e.msg, "Unexpected token 'def' in expression or statement.");
    e = parse_err("@{ a 1 }");
    assert_string_equal(e.msg, "Missing '=' operator after key in hash literal.");
}

/* The REPL reads more lines (">> ") while the input is incomplete. */
static void test_incomplete(void **state)
{
    (void)state;
    assert_true(parse_err("if ($x) {").incomplete);
    assert_true(parse_err("foreach ($i in $l) {\n  $i").incomplete);
    assert_true(parse_err("\"open string").incomplete);
    assert_true(parse_err("Get-X |").incomplete);
    assert_true(parse_err("@'\nabc").incomplete);
    assert_false(parse_err("if ($x) }").incomplete);
}

static void test_subexpression_in_string(void **state)
{
    (void)state;
    lang_program *p = parse_ok("\"a $($b + \")\") c\"");
    lang_node *x = p->root->kids[0]->kids[0];
    assert_int_equal(x->kind, N_EXPAND);
    assert_int_equal(x->nkids, 3);
    assert_int_equal(x->kids[1]->kind, N_SUBEXPR);
    lang_program_unref(p);
    lang_parse_error e = parse_err("\"a $(1 +\"");
    assert_non_null(e.errid);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_seed_command_shape),
        cmocka_unit_test(test_assignment_of_command),
        cmocka_unit_test(test_pipeline_and_member),
        cmocka_unit_test(test_precedence),
        cmocka_unit_test(test_statements),
        cmocka_unit_test(test_hash_and_array_literals),
        cmocka_unit_test(test_errors),
        cmocka_unit_test(test_incomplete),
        cmocka_unit_test(test_subexpression_in_string),
    };
    return cmocka_run_group_tests_name("shell_parse", tests, NULL, NULL);
}
