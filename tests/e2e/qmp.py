#!/usr/bin/python3
"""Minimal QMP client for the e2e run.

usage: qmp.py SOCKET pmemsave ADDR SIZE FILE   save guest physical memory
       qmp.py SOCKET quit                      stop QEMU
"""
import json
import socket
import sys
import time


def main():
    path, cmd = sys.argv[1], sys.argv[2]
    s = socket.socket(socket.AF_UNIX)
    for _ in range(100):
        try:
            s.connect(path)
            break
        except OSError:
            time.sleep(0.1)
    else:
        raise SystemExit(f"qmp.py: cannot connect to {path}")
    f = s.makefile("rw")

    def call(execute, **args):
        f.write(json.dumps({"execute": execute, "arguments": args}) + "\n")
        f.flush()
        while True:
            line = f.readline()
            if not line:
                if execute == "quit":
                    return {}
                raise SystemExit(f"qmp.py: connection closed during {execute}")
            msg = json.loads(line)
            if "return" in msg:
                return msg["return"]
            if "error" in msg:
                raise SystemExit(f"qmp.py: {execute}: {msg['error']}")

    json.loads(f.readline())  # greeting
    call("qmp_capabilities")
    if cmd == "pmemsave":
        addr, size, out = int(sys.argv[3], 0), int(sys.argv[4], 0), sys.argv[5]
        call("stop")
        call("pmemsave", val=addr, size=size, filename=out)
    elif cmd == "quit":
        call("quit")
    else:
        raise SystemExit("qmp.py: unknown command " + cmd)


if __name__ == "__main__":
    main()
