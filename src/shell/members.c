/* members.c - Get-Member (see members.h). */
#include "members.h"

#include <fnmatch.h>
#include <stdlib.h>
#include <string.h>

#include "datetime.h"
#include "dtoffset.h"
#include "ops.h"
#include "rs_util.h"
#include "sbuilder.h"

typedef struct member {
    const char *name, *mtype, *def;
} member;

#define M(n, d)                                                                                    \
    {                                                                                              \
        n, "Method", d                                                                             \
    }
#define P(n, d)                                                                                    \
    {                                                                                              \
        n, "Property", d                                                                           \
    }
#define PP(n, d)                                                                                   \
    {                                                                                              \
        n, "ParameterizedProperty", d                                                              \
    }
#define END                                                                                        \
    {                                                                                              \
        NULL, NULL, NULL                                                                           \
    }

static const member object_methods[] = {
    M("Equals", "bool Equals(System.Object obj)"), M("GetHashCode", "int GetHashCode()"),
    M("GetType", "type GetType()"), M("ToString", "string ToString()"), END};

static const member string_members[] = {
    M("Contains", "bool Contains(string value)"),
    M("EndsWith", "bool EndsWith(string value)"),
    M("Equals", "bool Equals(System.Object obj), bool Equals(string value)"),
    M("GetHashCode", "int GetHashCode()"),
    M("GetType", "type GetType()"),
    M("IndexOf", "int IndexOf(string value), int IndexOf(string value, int startIndex)"),
    M("Insert", "string Insert(int startIndex, string value)"),
    M("LastIndexOf", "int LastIndexOf(string value)"),
    M("PadLeft",
      "string PadLeft(int totalWidth), string PadLeft(int totalWidth, char paddingChar)"),
    M("PadRight",
      "string PadRight(int totalWidth), string PadRight(int totalWidth, char paddingChar)"),
    M("Remove", "string Remove(int startIndex, int count), string Remove(int startIndex)"),
    M("Replace", "string Replace(string oldValue, string newValue)"),
    M("Split", "string[] Split(Params char[] separator)"),
    M("StartsWith", "bool StartsWith(string value)"),
    M("Substring",
      "string Substring(int startIndex), string Substring(int startIndex, int length)"),
    M("ToCharArray", "char[] ToCharArray()"),
    M("ToLower", "string ToLower()"),
    M("ToLowerInvariant", "string ToLowerInvariant()"),
    M("ToString", "string ToString()"),
    M("ToUpper", "string ToUpper()"),
    M("ToUpperInvariant", "string ToUpperInvariant()"),
    M("Trim", "string Trim(), string Trim(Params char[] trimChars)"),
    M("TrimEnd", "string TrimEnd(), string TrimEnd(Params char[] trimChars)"),
    M("TrimStart", "string TrimStart(), string TrimStart(Params char[] trimChars)"),
    PP("Chars", "char Chars(int index) {get;}"),
    P("Length", "int Length {get;}"),
    END};

static const member number_members[] = {
    M("CompareTo", "int CompareTo(System.Object value)"),
    M("Equals", "bool Equals(System.Object obj)"),
    M("GetHashCode", "int GetHashCode()"),
    M("GetType", "type GetType()"),
    M("ToString", "string ToString(), string ToString(string format)"),
    END};

static const member array_members[] = {{"Count", "AliasProperty", "Count = Length"},
                                       M("Contains", "bool IList.Contains(System.Object value)"),
                                       M("Equals", "bool Equals(System.Object obj)"),
                                       M("GetHashCode", "int GetHashCode()"),
                                       M("GetType", "type GetType()"),
                                       M("IndexOf", "int IList.IndexOf(System.Object value)"),
                                       M("ToString", "string ToString()"),
                                       P("Length", "int Length {get;}"),
                                       END};

static const member list_members[] = {
    M("Add", "int Add(System.Object value)"),
    M("AddRange", "void AddRange(System.Collections.ICollection c)"),
    M("Clear", "void Clear()"),
    M("Contains", "bool Contains(System.Object item)"),
    M("Equals", "bool Equals(System.Object obj)"),
    M("GetHashCode", "int GetHashCode()"),
    M("GetType", "type GetType()"),
    M("IndexOf", "int IndexOf(System.Object value)"),
    M("Insert", "void Insert(int index, System.Object value)"),
    M("Remove", "void Remove(System.Object obj)"),
    M("RemoveAt", "void RemoveAt(int index)"),
    M("ToString", "string ToString()"),
    PP("Item", "System.Object Item(int index) {get;set;}"),
    P("Count", "int Count {get;}"),
    END};

static const member glist_members[] = {
    M("Add", "void Add(System.Object item)"),
    M("AddRange",
      "void AddRange(System.Collections.Generic.IEnumerable[System.Object] collection)"),
    M("Clear", "void Clear()"),
    M("Contains", "bool Contains(System.Object item)"),
    M("Equals", "bool Equals(System.Object obj)"),
    M("GetHashCode", "int GetHashCode()"),
    M("GetType", "type GetType()"),
    M("IndexOf", "int IndexOf(System.Object value)"),
    M("Insert", "void Insert(int index, System.Object value)"),
    M("Remove", "bool Remove(System.Object item)"),
    M("RemoveAt", "void RemoveAt(int index)"),
    M("ToString", "string ToString()"),
    PP("Item", "System.Object Item(int index) {get;set;}"),
    P("Count", "int Count {get;}"),
    END};

static const member hash_members[] = {
    M("Add", "void Add(System.Object key, System.Object value)"),
    M("Clear", "void Clear()"),
    M("Clone", "System.Object Clone()"),
    M("Contains", "bool Contains(System.Object key)"),
    M("ContainsKey", "bool ContainsKey(System.Object key)"),
    M("ContainsValue", "bool ContainsValue(System.Object value)"),
    M("Equals", "bool Equals(System.Object obj)"),
    M("GetEnumerator", "System.Collections.IDictionaryEnumerator GetEnumerator()"),
    M("GetHashCode", "int GetHashCode()"),
    M("GetType", "type GetType()"),
    M("Remove", "void Remove(System.Object key)"),
    M("ToString", "string ToString()"),
    PP("Item", "System.Object Item(System.Object key) {get;set;}"),
    P("Count", "int Count {get;}"),
    P("Keys", "System.Collections.ICollection Keys {get;}"),
    P("Values", "System.Collections.ICollection Values {get;}"),
    END};

static const member datetime_members[] = {
    M("Add", "datetime Add(timespan value)"),
    M("AddDays", "datetime AddDays(double value)"),
    M("AddHours", "datetime AddHours(double value)"),
    M("AddMilliseconds", "datetime AddMilliseconds(double value)"),
    M("AddMinutes", "datetime AddMinutes(double value)"),
    M("AddMonths", "datetime AddMonths(int months)"),
    M("AddSeconds", "datetime AddSeconds(double value)"),
    M("AddTicks", "datetime AddTicks(long value)"),
    M("AddYears", "datetime AddYears(int value)"),
    M("CompareTo", "int CompareTo(System.Object value)"),
    M("Equals", "bool Equals(System.Object value)"),
    M("GetHashCode", "int GetHashCode()"),
    M("GetType", "type GetType()"),
    M("IsDaylightSavingTime", "bool IsDaylightSavingTime()"),
    M("Subtract", "timespan Subtract(datetime value), datetime Subtract(timespan value)"),
    M("ToLocalTime", "datetime ToLocalTime()"),
    M("ToLongDateString", "string ToLongDateString()"),
    M("ToLongTimeString", "string ToLongTimeString()"),
    M("ToShortDateString", "string ToShortDateString()"),
    M("ToShortTimeString", "string ToShortTimeString()"),
    M("ToString", "string ToString(), string ToString(string format)"),
    M("ToUniversalTime", "datetime ToUniversalTime()"),
    P("Date", "datetime Date {get;}"),
    P("Day", "int Day {get;}"),
    P("DayOfWeek", "System.DayOfWeek DayOfWeek {get;}"),
    P("DayOfYear", "int DayOfYear {get;}"),
    P("Hour", "int Hour {get;}"),
    P("Kind", "System.DateTimeKind Kind {get;}"),
    P("Millisecond", "int Millisecond {get;}"),
    P("Minute", "int Minute {get;}"),
    P("Month", "int Month {get;}"),
    P("Second", "int Second {get;}"),
    P("Ticks", "long Ticks {get;}"),
    P("TimeOfDay", "timespan TimeOfDay {get;}"),
    P("Year", "int Year {get;}"),
    END};

static const member timespan_members[] = {M("Add", "timespan Add(timespan ts)"),
                                          M("Duration", "timespan Duration()"),
                                          M("Equals", "bool Equals(System.Object value)"),
                                          M("GetHashCode", "int GetHashCode()"),
                                          M("GetType", "type GetType()"),
                                          M("Negate", "timespan Negate()"),
                                          M("Subtract", "timespan Subtract(timespan ts)"),
                                          M("ToString", "string ToString()"),
                                          P("Days", "int Days {get;}"),
                                          P("Hours", "int Hours {get;}"),
                                          P("Milliseconds", "int Milliseconds {get;}"),
                                          P("Minutes", "int Minutes {get;}"),
                                          P("Seconds", "int Seconds {get;}"),
                                          P("Ticks", "long Ticks {get;}"),
                                          P("TotalDays", "double TotalDays {get;}"),
                                          P("TotalHours", "double TotalHours {get;}"),
                                          P("TotalMilliseconds", "double TotalMilliseconds {get;}"),
                                          P("TotalMinutes", "double TotalMinutes {get;}"),
                                          P("TotalSeconds", "double TotalSeconds {get;}"),
                                          END};

static const member sb_members[] = {
    M("Append", "System.Text.StringBuilder Append(string value), System.Text.StringBuilder "
                "Append(System.Object value)"),
    M("AppendFormat", "System.Text.StringBuilder AppendFormat(string format, Params "
                      "System.Object[] args)"),
    M("AppendLine", "System.Text.StringBuilder AppendLine(), System.Text.StringBuilder "
                    "AppendLine(string value)"),
    M("Clear", "System.Text.StringBuilder Clear()"),
    M("Equals", "bool Equals(System.Object obj)"),
    M("GetHashCode", "int GetHashCode()"),
    M("GetType", "type GetType()"),
    M("Insert", "System.Text.StringBuilder Insert(int index, string value)"),
    M("Remove", "System.Text.StringBuilder Remove(int startIndex, int length)"),
    M("Replace", "System.Text.StringBuilder Replace(string oldValue, string newValue)"),
    M("ToString", "string ToString(), string ToString(int startIndex, int length)"),
    P("Capacity", "int Capacity {get;set;}"),
    P("Length", "int Length {get;set;}"),
    P("MaxCapacity", "int MaxCapacity {get;}"),
    END};

static const member dto_members[] = {
    M("AddDays", "System.DateTimeOffset AddDays(double days)"),
    M("AddHours", "System.DateTimeOffset AddHours(double hours)"),
    M("AddMilliseconds", "System.DateTimeOffset AddMilliseconds(double milliseconds)"),
    M("AddMinutes", "System.DateTimeOffset AddMinutes(double minutes)"),
    M("AddSeconds", "System.DateTimeOffset AddSeconds(double seconds)"),
    M("AddTicks", "System.DateTimeOffset AddTicks(long ticks)"),
    M("Equals", "bool Equals(System.Object obj)"),
    M("GetHashCode", "int GetHashCode()"),
    M("GetType", "type GetType()"),
    M("ToLocalTime", "System.DateTimeOffset ToLocalTime()"),
    M("ToString", "string ToString(), string ToString(string format)"),
    M("ToUniversalTime", "System.DateTimeOffset ToUniversalTime()"),
    M("ToUnixTimeMilliseconds", "long ToUnixTimeMilliseconds()"),
    M("ToUnixTimeSeconds", "long ToUnixTimeSeconds()"),
    P("Date", "datetime Date {get;}"),
    P("DateTime", "datetime DateTime {get;}"),
    P("Day", "int Day {get;}"),
    P("DayOfWeek", "System.DayOfWeek DayOfWeek {get;}"),
    P("DayOfYear", "int DayOfYear {get;}"),
    P("Hour", "int Hour {get;}"),
    P("LocalDateTime", "datetime LocalDateTime {get;}"),
    P("Microsecond", "int Microsecond {get;}"),
    P("Millisecond", "int Millisecond {get;}"),
    P("Minute", "int Minute {get;}"),
    P("Month", "int Month {get;}"),
    P("Nanosecond", "int Nanosecond {get;}"),
    P("Offset", "timespan Offset {get;}"),
    P("Second", "int Second {get;}"),
    P("Ticks", "long Ticks {get;}"),
    P("TimeOfDay", "timespan TimeOfDay {get;}"),
    P("TotalOffsetMinutes", "int TotalOffsetMinutes {get;}"),
    P("UtcDateTime", "datetime UtcDateTime {get;}"),
    P("UtcTicks", "long UtcTicks {get;}"),
    P("Year", "int Year {get;}"),
    END};

static const member block_members[] = {
    M("Equals", "bool Equals(System.Object obj)"),
    M("GetHashCode", "int GetHashCode()"),
    M("GetType", "type GetType()"),
    M("Invoke", "System.Collections.ObjectModel.Collection[psobject] Invoke(Params System.Object[] "
                "args)"),
    M("InvokeReturnAsIs", "System.Object InvokeReturnAsIs(Params System.Object[] args)"),
    M("ToString", "string ToString()"),
    END};

static const member secure_members[] = {M("Equals", "bool Equals(System.Object obj)"),
                                        M("GetHashCode", "int GetHashCode()"),
                                        M("GetType", "type GetType()"),
                                        M("ToString", "string ToString()"),
                                        P("Length", "int Length {get;}"),
                                        END};

static const member credential_members[] = {
    M("Equals", "bool Equals(System.Object obj)"),
    M("GetHashCode", "int GetHashCode()"),
    M("GetNetworkCredential", "System.Net.NetworkCredential GetNetworkCredential()"),
    M("GetType", "type GetType()"),
    M("ToString", "string ToString()"),
    P("Password", "securestring Password {get;}"),
    P("UserName", "string UserName {get;}"),
    END};

static const member stopwatch_members[] = {
    M("Equals", "bool Equals(System.Object obj)"),
    M("GetHashCode", "int GetHashCode()"),
    M("GetType", "type GetType()"),
    M("Reset", "void Reset()"),
    M("Restart", "void Restart()"),
    M("Start", "void Start()"),
    M("Stop", "void Stop()"),
    M("ToString", "string ToString()"),
    P("Elapsed", "timespan Elapsed {get;}"),
    P("ElapsedMilliseconds", "long ElapsedMilliseconds {get;}"),
    P("ElapsedTicks", "long ElapsedTicks {get;}"),
    P("IsRunning", "bool IsRunning {get;}"),
    END};

/* PowerShell's short name of a value's type in member definitions. */
static const char *short_type(const lang_value *v)
{
    if (!v)
        return "object";
    switch (v->type) {
    case LV_BOOL:
        return "bool";
    case LV_INT:
        return v->u.i >= INT32_MIN && v->u.i <= INT32_MAX ? "int" : "long";
    case LV_DOUBLE:
        return "double";
    case LV_STRING:
        return "string";
    case LV_ARRAY:
        return "Object[]";
    case LV_HASH:
        return "hashtable";
    case LV_SECURE:
        return "securestring";
    case LV_BLOCK:
        return "scriptblock";
    case LV_DATETIME:
        return "datetime";
    case LV_TIMESPAN:
        return "timespan";
    case LV_OBJECT:
        return lang_type_name(v);
    }
    return "object";
}

/* A value as a NoteProperty definition shows it (ToString(), en-US). */
static char *note_text(const lang_value *v)
{
    if (!v)
        return rs_strdup("null");
    if (v->type == LV_DATETIME)
        return lang_dt_format(v, "G");
    if (v->type == LV_ARRAY)
        return rs_strdup("System.Object[]");
    return lang_to_str(v);
}

/* Objects that come from the server through a session are deserialized in
 * PowerShell (Exchange, Teams); MSOnline's are live .NET objects. */
static bool deserialized(const lang_value *v)
{
    const char *t = v->u.obj.type_name;
    return t && rs_prefix_ci(t, "Microsoft.") && !rs_prefix_ci(t, "Microsoft.PowerShell.") &&
           !rs_prefix_ci(t, "Microsoft.Online.");
}

static void add_member(lang_list *out, const char *type, const char *name, const char *mtype,
                       const char *def)
{
    lang_value *m = lang_object_new(LANG_MEMBERDEF_TYPE);
    lang_prop_set_take(m, "TypeName", lang_str(type));
    lang_prop_set_take(m, "Name", lang_str(name));
    lang_prop_set_take(m, "MemberType", lang_str(mtype));
    lang_prop_set_take(m, "Definition", lang_str(def));
    lang_list_push_take(out, m);
}

static void add_table(lang_list *out, const char *type, const member *t)
{
    for (; t->name; t++)
        add_member(out, type, t->name, t->mtype, t->def);
}

/* Every member of v (unsorted, unfiltered) into out; *type_out = its TypeName. */
static void members_of(const lang_value *v, lang_list *out, char **type_out)
{
    const char *tn = lang_type_name(v);
    const member *table = NULL;
    switch (v->type) {
    case LV_STRING:
        table = string_members;
        break;
    case LV_BOOL:
    case LV_INT:
    case LV_DOUBLE:
        table = number_members;
        break;
    case LV_ARRAY:
        if (v->u.arr.kind == LANG_ARR_ARRAYLIST) {
            tn = "System.Collections.ArrayList";
            table = list_members;
        } else if (v->u.arr.kind == LANG_ARR_LIST) {
            tn = "System.Collections.Generic.List`1[[System.Object]]"; /* T is not kept */
            table = glist_members;
        } else {
            table = array_members;
        }
        break;
    case LV_HASH:
        table = hash_members;
        break;
    case LV_DATETIME:
        table = datetime_members;
        break;
    case LV_TIMESPAN:
        table = timespan_members;
        break;
    case LV_SECURE:
        table = secure_members;
        break;
    case LV_BLOCK:
        table = block_members;
        break;
    case LV_OBJECT:
        if (lang_sb_is(v))
            table = sb_members;
        else if (lang_dto_is(v))
            table = dto_members;
        else if (lang_is_type(v, "pscredential"))
            table = credential_members;
        else if (!strcmp(tn, "System.Diagnostics.Stopwatch"))
            table = stopwatch_members;
        break;
    }
    if (table) {
        *type_out = rs_strdup(tn);
        add_table(out, tn, table);
        return;
    }
    /* objects: their properties */
    bool deser = deserialized(v), custom = !v->u.obj.type_name;
    char *type = deser ? rs_asprintf("Deserialized.%s", tn) : rs_strdup(tn);
    if (deser) {
        add_member(out, type, "GetType", "Method", "type GetType()");
        add_member(out, type, "ToString", "Method", "string ToString()");
    } else {
        add_table(out, type, object_methods);
    }
    for (size_t i = 0; i < v->u.obj.n; i++) {
        const lang_prop *p = &v->u.obj.props[i];
        char *def;
        if (custom) {
            char *val = note_text(p->value);
            def = rs_asprintf("%s %s=%s", short_type(p->value), p->name, val);
            free(val);
        } else if (deser) {
            def = rs_asprintf("%s {get;set;}", lang_type_name(p->value));
        } else {
            def = rs_asprintf("%s %s {get;set;}", short_type(p->value), p->name);
        }
        add_member(out, type, p->name, custom ? "NoteProperty" : "Property", def);
        free(def);
    }
    *type_out = type;
}

static int by_type_then_name(const void *a, const void *b)
{
    lang_value *x = *(lang_value *const *)a, *y = *(lang_value *const *)b;
    char *tx = lang_to_str(lang_prop_get(x, "MemberType", NULL));
    char *ty = lang_to_str(lang_prop_get(y, "MemberType", NULL));
    int r = strcasecmp(tx, ty);
    free(tx);
    free(ty);
    if (r)
        return r;
    char *nx = lang_to_str(lang_prop_get(x, "Name", NULL));
    char *ny = lang_to_str(lang_prop_get(y, "Name", NULL));
    r = strcasecmp(nx, ny);
    free(nx);
    free(ny);
    return r;
}

/* Does member type mt pass one -MemberType name w (Properties and Methods
 * are the groups, All everything)? */
static bool type_matches(const char *w, const char *mt)
{
    return rs_streq_ci(w, "All") || rs_streq_ci(w, mt) ||
           (rs_streq_ci(w, "Properties") && strstr(mt, "Property") &&
            strcmp(mt, "ParameterizedProperty")) ||
           (rs_streq_ci(w, "Methods") && strstr(mt, "Method"));
}

static bool name_matches(const char *w, const char *name)
{
    return fnmatch(w, name, FNM_CASEFOLD) == 0;
}

/* Does x pass a filter parameter (one value or a list; absent: everything)? */
static bool wanted(const lang_value *filter, const char *x,
                   bool (*match)(const char *, const char *))
{
    if (!filter)
        return true;
    size_t n = filter->type == LV_ARRAY ? filter->u.arr.n : 1;
    for (size_t i = 0; i < n; i++) {
        char *w = lang_to_str(filter->type == LV_ARRAY ? filter->u.arr.items[i] : filter);
        bool hit = match(w, x);
        free(w);
        if (hit)
            return true;
    }
    return false;
}

static const char *const member_types[] = {"AliasProperty",
                                           "CodeProperty",
                                           "Property",
                                           "NoteProperty",
                                           "ScriptProperty",
                                           "Properties",
                                           "PropertySet",
                                           "Method",
                                           "CodeMethod",
                                           "ScriptMethod",
                                           "Methods",
                                           "ParameterizedProperty",
                                           "MemberSet",
                                           "Event",
                                           "Dynamic",
                                           "InferredProperty",
                                           "All",
                                           NULL};

lang_error *lang_member_type_error(const char *value, const char *klass)
{
    for (int k = 0; member_types[k]; k++)
        if (rs_streq_ci(value, member_types[k]))
            return NULL;
    char *msg = rs_asprintf(
        "Cannot bind parameter 'MemberType'. Cannot convert value \"%s\" to type "
        "\"System.Management.Automation.PSMemberTypes\". Error: \"Unable to match the identifier "
        "name %s to a valid enumerator name. Specify one of the following enumerator names and "
        "try again:\nAliasProperty, CodeProperty, Property, NoteProperty, ScriptProperty, "
        "Properties, PropertySet, Method, CodeMethod, ScriptMethod, Methods, "
        "ParameterizedProperty, MemberSet, Event, Dynamic, InferredProperty, All\"",
        value, value);
    lang_error *e = lang_error_new(msg);
    free(msg);
    lang_error_set(&e->category, "InvalidArgument");
    lang_error_set_exception(e, "System.Management.Automation.ParameterBindingException");
    lang_error_set_fqid(e, "CannotConvertArgumentNoMessage", klass);
    return e;
}

lang_status lang_cmd_get_member(lang_interp *I, lang_cmdctx *ctx)
{
    lang_value *names = lang_param(ctx, "Name");
    lang_value *types = lang_param(ctx, "MemberType");
    if (lang_param_switch(ctx, "Static")) {
        lang_error *e = lang_error_new("roomsys does not list static members (-Static).");
        lang_error_set(&e->category, "NotImplemented");
        lang_error_set_exception(e, "System.NotSupportedException");
        lang_error_set_fqid(e, "StaticMembersNotSupported",
                            "Microsoft.PowerShell.Commands.GetMemberCommand");
        return lang_cmd_fail(I, ctx, e);
    }
    if (types) { /* the enum's names, as the binder would check them */
        size_t n = types->type == LV_ARRAY ? types->u.arr.n : 1;
        for (size_t i = 0; i < n; i++) {
            char *w = lang_to_str(types->type == LV_ARRAY ? types->u.arr.items[i] : types);
            lang_error *e =
                lang_member_type_error(w, "Microsoft.PowerShell.Commands.GetMemberCommand");
            free(w);
            if (e)
                return lang_cmd_fail(I, ctx, e);
        }
    }
    lang_list items = {0};
    if (ctx->input) {
        for (size_t i = 0; i < ctx->input->n; i++)
            lang_list_push(&items, ctx->input->v[i]);
    } else if (lang_param_has(ctx, "InputObject")) {
        lang_list_push(&items, lang_param(ctx, "InputObject")); /* the collection itself */
    }
    size_t live = 0;
    for (size_t i = 0; i < items.n; i++)
        live += items.v[i] != NULL;
    if (!live) {
        lang_list_clear(&items);
        lang_error *e = lang_error_new("You must specify an object for the Get-Member cmdlet.");
        lang_error_set(&e->category, "CloseError");
        lang_error_set_exception(e, "System.InvalidOperationException");
        lang_error_set_fqid(e, "NoObjectInGetMember",
                            "Microsoft.PowerShell.Commands.GetMemberCommand");
        return lang_cmd_fail(I, ctx, e);
    }
    /* one block of members per distinct type, in the order the types appear */
    char **seen = NULL;
    size_t nseen = 0;
    for (size_t i = 0; i < items.n; i++) {
        if (!items.v[i])
            continue;
        lang_list all = {0};
        char *type = NULL;
        members_of(items.v[i], &all, &type);
        bool dup = false;
        for (size_t k = 0; k < nseen && !dup; k++)
            dup = !strcmp(seen[k], type);
        if (dup) {
            free(type);
            lang_list_clear(&all);
            continue;
        }
        seen = rs_realloc(seen, (nseen + 1) * sizeof *seen);
        seen[nseen++] = type;
        qsort(all.v, all.n, sizeof *all.v, by_type_then_name);
        for (size_t k = 0; k < all.n; k++) {
            char *mt = lang_to_str(lang_prop_get(all.v[k], "MemberType", NULL));
            char *nm = lang_to_str(lang_prop_get(all.v[k], "Name", NULL));
            if (wanted(types, mt, type_matches) && wanted(names, nm, name_matches))
                lang_list_push(ctx->out, all.v[k]);
            free(mt);
            free(nm);
        }
        lang_list_clear(&all);
    }
    for (size_t k = 0; k < nseen; k++)
        free(seen[k]);
    free(seen);
    lang_list_clear(&items);
    return LANG_OK;
}
