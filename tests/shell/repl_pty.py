#!/usr/bin/env python3
"""repl_pty.py ROOMSYS - drive the interactive prompt through a pseudo-terminal:
multi-line input (">> " until the block is closed), Tab completion of a cmdlet
name, a parameter name and an enum value from the cmdlet table, the Confirm
prompt answered on the terminal, and the history file (~/.roomsys_history,
mode 0600, secrets left out). Exits 1 with the transcript on any failure."""
import os
import pty
import select
import shutil
import stat
import sys
import tempfile

roomsys = sys.argv[1]
home = tempfile.mkdtemp()
env = dict(os.environ, HOME=home, TERM="dumb", ROOMSYS_SERVER="https://127.0.0.1:9",
           ROOMSYS_USER="", ROOMSYS_PASSWORD_FILE="")
pid, fd = pty.fork()
if pid == 0:
    os.execve(roomsys, [roomsys], env)

seen = b""
failures = []


def wait_for(text, what):
    """Read until text appears (the shell's answer), or give up after 20 s."""
    global seen
    want = text.encode()
    while want not in seen:
        r, _, _ = select.select([fd], [], [], 20)
        if not r:
            failures.append(f"{what}: never saw {text!r}")
            return False
        try:
            chunk = os.read(fd, 4096)
        except OSError:
            failures.append(f"{what}: the shell ended before {text!r}")
            return False
        if not chunk:
            failures.append(f"{what}: the shell ended before {text!r}")
            return False
        seen += chunk
    seen = seen[seen.index(want) + len(want):]
    return True


def send(s):
    os.write(fd, s.encode())


wait_for("PS roomsys> ", "first prompt")
send("1..3 | ForEach-Object {\r")
wait_for(">> ", "an open block asks for more")
send("$_ * 2 }\r")
wait_for("6", "the block ran when closed")
wait_for("PS roomsys> ", "prompt after the block")
send("Get-Dat\t-Format yyyy\r")
wait_for("20", "Get-Dat<TAB> completed to Get-Date")
wait_for("PS roomsys> ", "prompt after Get-Date")
send("'abc' | Select-Object -Exp\tLength\r")
wait_for("3", "-Exp<TAB> completed to -ExpandProperty")
wait_for("PS roomsys> ", "prompt after Select-Object")
send("'-' + (Get-Help Set-CalendarProcessing -Parameter AutomateProcessing | Out-String).Contains('AutoAccept')\r")
wait_for("-True", "Get-Help reads the table")
wait_for("PS roomsys> ", "prompt after Get-Help")
target = os.path.join(home, "confirm.txt")
send(f"Set-Content '{target}' -Value x -Confirm\r")
wait_for("Are you sure you want to perform this action?", "the Confirm prompt")
wait_for('[?] Help (default is "Y"): ', "the Confirm choices")
send("n\r")
wait_for("PS roomsys> ", "prompt after answering N")
send("$pw = ConvertTo-SecureString 'S3cret' -AsPlainText -Force\r")
wait_for("PS roomsys> ", "prompt after a secret line")
send("exit\r")
os.waitpid(pid, 0)

if os.path.exists(target):
    failures.append("answering N to Confirm still wrote the file")
hist = os.path.join(home, ".roomsys_history")
if not os.path.exists(hist):
    failures.append("no history file")
else:
    text = open(hist, encoding="utf-8", errors="replace").read()
    if "Get-Date" not in text:
        failures.append("the history lacks the Get-Date line")
    if "S3cret" in text:
        failures.append("a line with a secret reached the history")
    if stat.S_IMODE(os.stat(hist).st_mode) != 0o600:
        failures.append("the history file is not mode 0600")
shutil.rmtree(home, ignore_errors=True)
if failures:
    print("\n".join(failures))
    print("--- rest of the terminal output:")
    print(seen.decode(errors="replace"))
    sys.exit(1)
print("repl: all checks passed")
