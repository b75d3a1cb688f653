/* members.h - Get-Member: the members of a value as PowerShell 7 lists them
 * (TypeName header; Name, MemberType, Definition), for the values the shell
 * has. Members of .NET types are the ones roomsys implements (a subset of
 * .NET's); objects from the server list their properties as a deserialized
 * object's (`Property`, `System.String {get;set;}`), PSCustomObjects as
 * NoteProperty (`string Name=value`). Private to src/shell.
 */
#ifndef LANG_MEMBERS_H
#define LANG_MEMBERS_H

#include "interp.h"

/* The Get-Member cmdlet (-InputObject / pipeline, -Name, -MemberType, -Force). */
lang_status lang_cmd_get_member(lang_interp *I, lang_cmdctx *ctx);

/* NULL when value names a PSMemberTypes value, else the binding error
 * (CannotConvertArgumentNoMessage,<klass>) for -MemberType (caller owns it). */
lang_error *lang_member_type_error(const char *value, const char *klass);

/* Type name of Get-Member's output objects (format.c shows them grouped). */
#define LANG_MEMBERDEF_TYPE "Microsoft.PowerShell.Commands.MemberDefinition"

#endif
