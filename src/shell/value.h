/* value.h - the values of the roomsys shell language (a PowerShell subset).
 *
 * OWNERSHIP RULE (the one rule for every lang_value in the shell):
 *   - NULL is PowerShell's $null. Every function accepts NULL where a value is
 *     expected.
 *   - A function that RETURNS a lang_value * returns a NEW reference: the
 *     caller must release it with lang_unref(), unless the function comment
 *     says "borrowed".
 *   - A function that TAKES a lang_value * BORROWS it (it takes its own
 *     reference if it keeps the value), unless its name ends in _take, in which
 *     case it consumes the caller's reference.
 * Arrays, hashtables and objects are mutable and shared by reference, as .NET
 * reference types are in PowerShell; strings and numbers are immutable.
 * Reference cycles (an object that contains itself) are not collected.
 *
 * SecureString values (LV_SECURE) keep their plain text only in memory, wipe
 * it when freed, and print as "System.Security.SecureString" everywhere.
 * Design notes: docs/internals/shell.md.
 */
#ifndef LANG_VALUE_H
#define LANG_VALUE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef enum lang_vtype {
    LV_BOOL = 1, /* System.Boolean */
    LV_INT,      /* System.Int32 / Int64 */
    LV_DOUBLE,   /* System.Double */
    LV_STRING,   /* System.String */
    LV_ARRAY,    /* System.Object[] */
    LV_HASH,     /* System.Collections.Hashtable (insertion-ordered, keys case-insensitive) */
    LV_OBJECT,   /* PSCustomObject or any typed object: ordered property bag + type name */
    LV_SECURE,   /* System.Security.SecureString */
    LV_BLOCK,    /* System.Management.Automation.ScriptBlock */
    LV_DATETIME, /* System.DateTime (datetime.h) */
    LV_TIMESPAN  /* System.TimeSpan (datetime.h) */
} lang_vtype;

typedef struct lang_value lang_value;
struct lang_program; /* ast.h */
struct lang_node;    /* ast.h */

/* Host data attached to an object (error records, sessions). */
typedef struct lang_native_type {
    const char *name;         /* for debugging */
    void (*free)(void *data); /* releases data; may be NULL */
    /* the object's text ("$o", ToString()), malloc'd; NULL = from its properties */
    char *(*to_str)(const void *data);
} lang_native_type;

typedef struct lang_prop {
    char *name;        /* owned */
    lang_value *value; /* owned reference */
} lang_prop;

struct lang_value {
    unsigned refs;
    lang_vtype type;
    union {
        bool b;
        int64_t i;
        double d;
        struct {
            char *s; /* owned, NUL-terminated */
            size_t len;
        } str; /* LV_STRING and LV_SECURE */
        struct {
            lang_value **items; /* owned references */
            size_t n, cap;
            int kind; /* LANG_ARR_FIXED (Object[]), LANG_ARR_ARRAYLIST, LANG_ARR_LIST */
        } arr;
        struct {
            lang_prop *props;
            size_t n, cap;
            char *type_name; /* owned; LV_OBJECT only (NULL = PSCustomObject) */
            const lang_native_type *ntype;
            void *ndata; /* owned through ntype->free */
        } obj;           /* LV_HASH and LV_OBJECT */
        struct {
            int64_t ticks; /* 100 ns units; DateTime: since 0001-01-01 */
            int kind;      /* DateTime only: LANG_DT_UNSPECIFIED, _UTC, _LOCAL */
        } dt;              /* LV_DATETIME and LV_TIMESPAN */
        struct {
            struct lang_program *prog;    /* owned reference (keeps the AST alive) */
            const struct lang_node *body; /* borrowed from prog */
        } blk;
    } u;
};

/* What .NET collection an LV_ARRAY stands for: a fixed-size Object[] (the
 * default; .Add fails), an ArrayList (.Add returns the new index) or a generic
 * List[T] (.Add returns nothing). */
enum { LANG_ARR_FIXED = 0, LANG_ARR_ARRAYLIST, LANG_ARR_LIST, LANG_ARR_MEMBERS };
/* LANG_ARR_MEMBERS: $o.PSObject.Properties, whose items (objects with a Name)
 * are also found by name: .Properties['Name']. */

/* A growable list of owned references (pipeline streams, arguments). */
typedef struct lang_list {
    lang_value **v;
    size_t n, cap;
} lang_list;

/* ---- reference counting ---- */

/* Add a reference; returns v (NULL-safe). */
lang_value *lang_ref(lang_value *v);
/* Drop a reference; frees at zero (NULL-safe). */
void lang_unref(lang_value *v);

/* ---- constructors (all return new references) ---- */
/* Scalars. */
lang_value *lang_bool(bool b);
lang_value *lang_int(int64_t i);
lang_value *lang_double(double d);
/* Copies s (NULL -> ""). */
lang_value *lang_str(const char *s);
/* Copies s[0..n). */
lang_value *lang_str_n(const char *s, size_t n);
/* Takes ownership of the malloc'd string s. */
lang_value *lang_str_take(char *s);
/* An empty array / hashtable. */
lang_value *lang_array_new(void);
lang_value *lang_hash_new(void);
/* type_name is copied; NULL makes a PSCustomObject. */
lang_value *lang_object_new(const char *type_name);
/* A SecureString holding a copy of s[0..n). */
lang_value *lang_secure_new(const char *s, size_t n);
/* A DateTime (ticks since 0001-01-01, kind as in datetime.h) / a TimeSpan. */
lang_value *lang_datetime(int64_t ticks, int kind);
lang_value *lang_timespan(int64_t ticks);
/* A script block over body, keeping a reference on prog. */
lang_value *lang_block_new(struct lang_program *prog, const struct lang_node *body);

/* ---- arrays ---- */
/* Append a reference to v (borrowed) / consume v. */
void lang_array_push(lang_value *arr, lang_value *v);
void lang_array_push_take(lang_value *arr, lang_value *v);
/* Borrowed element, or NULL when out of range; negative i counts from the end. */
lang_value *lang_array_get(const lang_value *arr, int64_t i);

/* ---- properties of objects and hashtables (case-insensitive names) ---- */
/* Borrowed property value; *found tells absent from $null (found may be NULL). */
lang_value *lang_prop_get(const lang_value *obj, const char *name, bool *found);
/* Set (replace or append at the end); v is borrowed. */
void lang_prop_set(lang_value *obj, const char *name, lang_value *v);
/* Same, consuming v. */
void lang_prop_set_take(lang_value *obj, const char *name, lang_value *v);
/* Remove a property; returns whether it existed. */
bool lang_prop_remove(lang_value *obj, const char *name);
/* Attach host data to an object (replacing none); data is owned through nt->free. */
void lang_object_set_native(lang_value *obj, const lang_native_type *nt, void *data);
/* Host data of an object when its native type is nt, else NULL (borrowed). */
void *lang_object_native(const lang_value *obj, const lang_native_type *nt);

/* ---- lists ---- */
/* Append a new reference to v (borrowed). */
void lang_list_push(lang_list *l, lang_value *v);
/* Append, consuming v. */
void lang_list_push_take(lang_list *l, lang_value *v);
/* Append v; arrays are unrolled one level (PowerShell's pipeline enumeration). */
void lang_list_push_enum(lang_list *l, lang_value *v);
/* Drop every reference and free the storage; l becomes empty. */
void lang_list_clear(lang_list *l);
/* Pipeline collapse: empty -> NULL, one item -> that item, more -> an array.
 * Returns a new reference; l is cleared. */
lang_value *lang_list_collapse(lang_list *l);
/* Always an array (the @() operator). Returns a new reference; l is cleared. */
lang_value *lang_list_to_array(lang_list *l);

/* ---- conversions (PowerShell's rules, invariant culture) ---- */
/* .NET type name of v ("System.String", "System.Object[]", ...). Never NULL; static or owned by v.
 */
const char *lang_type_name(const lang_value *v);
/* String conversion as "$v" does: $null -> "", True/False, arrays joined with
 * spaces, PSCustomObject -> "@{A=1; B=2}". Returns a malloc'd string. */
char *lang_to_str(const lang_value *v);
/* Display form of a scalar/collection inside a formatted table or list:
 * like lang_to_str but collections as "{a, b}" (at most `limit` items, then "..."). */
char *lang_to_display(const lang_value *v, int limit);
/* PowerShell truthiness ([bool] conversion). */
bool lang_truthy(const lang_value *v);
/* Numeric conversion: true when v is (or parses as) a number; sets exactly
 * one of *i (is_double false) or *d (is_double true). */
bool lang_to_number(const lang_value *v, int64_t *i, double *d, bool *is_double);
/* d as an int64, saturated at the ends of the range (NaN -> 0): casting an
 * out-of-range double is undefined behaviour in C. */
int64_t lang_d2i(double d);
/* Format a double as PowerShell prints it ("1.5", "1E+20"). out >= 32 bytes. */
void lang_format_double(double d, char *out, size_t outsz);
/* Is v a scalar (not array/hash/object)? */
bool lang_is_scalar(const lang_value *v);
/* Convert a value to a fresh deep copy of its scalar/collection structure
 * where needed for += on arrays: returns a new array with the items of a and b. */
lang_value *lang_array_concat(const lang_value *a, const lang_value *b);

#endif
