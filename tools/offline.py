"""Run a command with no network: in a new network namespace in which only loopback is up.

    python3 tools/offline.py --check             print one line: can commands run offline here?
    python3 tools/offline.py -- COMMAND [ARG...]  run COMMAND offline; where the platform allows no
                                                  namespace, say so in one line and run it normally

`make nbval` runs the notebooks this way, so that a cell which downloads a file or calls a remote
service fails the check. The namespace comes from `unshare --map-root-user --net` (util-linux), which
needs no privilege where the kernel allows unprivileged user namespaces (as root it always works).
Inside it, this script brings the loopback interface up (Jupyter's kernels talk to pytest over
127.0.0.1), checks that no other interface is up, and then replaces itself with COMMAND, whose exit
status is therefore the exit status of this script.
"""

from __future__ import annotations

import argparse
import fcntl
import os
import socket
import struct
import subprocess
import sys
from collections.abc import Sequence

# From <linux/sockios.h> and <net/if.h>: read and set an interface's flags through a struct ifreq
# (16 bytes of name, then a union whose first member is the short `ifr_flags`; 40 bytes in all).
SIOCGIFFLAGS = 0x8913
SIOCSIFFLAGS = 0x8914
IFF_UP = 0x1
IFREQ = struct.Struct("16sh22x")

UNSHARE_ARGS = ("--map-root-user", "--net")
LOOPBACK = "lo"


def interface_flags(name: str) -> int:
    """Return the flags (`IFF_*` bits) of the network interface `name`.

    Raises:
        ValueError: if `name` is empty or longer than an interface name can be (15 bytes).
        OSError: if there is no such interface.
    """
    encoded = name.encode()
    if not encoded or len(encoded) > 15:
        raise ValueError(f"not an interface name: {name!r}")
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as probe:
        answer = fcntl.ioctl(probe, SIOCGIFFLAGS, IFREQ.pack(encoded, 0))
    flags: int = IFREQ.unpack(answer)[1]
    return flags


def bring_up(name: str) -> None:
    """Set the network interface `name` up (needs CAP_NET_ADMIN in its namespace).

    Raises:
        ValueError: if `name` is not an interface name (see :func:`interface_flags`).
        OSError: if there is no such interface, or the flags may not be changed.
    """
    flags = interface_flags(name)
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as probe:
        fcntl.ioctl(probe, SIOCSIFFLAGS, IFREQ.pack(name.encode(), flags | IFF_UP))


def interfaces_up() -> list[str]:
    """Return the names of the network interfaces of this namespace that are up."""
    return [name for _, name in socket.if_nameindex() if interface_flags(name) & IFF_UP]


def enter(command: Sequence[str]) -> None:
    """Inside a fresh network namespace: bring loopback up, check nothing else is up, exec `command`.

    Raises:
        ValueError: if `command` is empty.
        RuntimeError: if an interface other than loopback is up (this is not a fresh namespace).
    """
    if not command:
        raise ValueError("no command to run")
    bring_up(LOOPBACK)
    others = [name for name in interfaces_up() if name != LOOPBACK]
    if others:
        raise RuntimeError(f"not an empty network namespace: {', '.join(others)} up")
    os.execvp(command[0], list(command))


def namespace_command(command: Sequence[str], unshare: str = "unshare") -> list[str]:
    """Return the command line that runs `command` offline through this script.

    Raises:
        ValueError: if `command` is empty.
    """
    if not command:
        raise ValueError("no command to run")
    return [unshare, *UNSHARE_ARGS, sys.executable, os.path.abspath(__file__), "--inside", "--", *command]


def namespace_problem(unshare: str = "unshare") -> str | None:
    """Try a network namespace once (about 50 ms); return None if it works, else why not, in a few words."""
    try:
        result = subprocess.run(
            namespace_command(["true"], unshare), capture_output=True, text=True, timeout=60, check=False
        )
    except FileNotFoundError:
        return f"{unshare} is not installed"
    except (OSError, subprocess.TimeoutExpired) as error:
        return str(error)
    if result.returncode == 0:
        return None
    lines = (result.stderr or result.stdout).strip().splitlines()
    return lines[-1] if lines else f"{unshare} exited with status {result.returncode}"


def fallback_line(problem: str, what: str) -> str:
    """The one line printed where no namespace is allowed, so that `what` runs with the network."""
    return f"offline: no network namespace on this machine ({problem}), so {what} with the network"


def main(argv: Sequence[str] | None = None) -> int:
    """Parse the command line; run, check or enter as it asks. Returns the exit status."""
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--check", action="store_true", help="say whether commands can run offline here")
    parser.add_argument("--inside", action="store_true", help=argparse.SUPPRESS)  # the namespace's side
    parser.add_argument("--unshare", default="unshare", help="the unshare program (default: unshare)")
    parser.add_argument("command", nargs="*", help="the command to run offline, after --")
    args = parser.parse_args(argv)

    if args.inside:
        enter(args.command)  # does not return
    if args.check:
        problem = namespace_problem(args.unshare)
        if problem is None:
            print("offline: network namespaces work here: the notebooks will run with no network")
        else:
            print(fallback_line(problem, "the notebooks will run"))
        return 0
    if not args.command:
        parser.error("give a command to run, after --")
    problem = namespace_problem(args.unshare)
    if problem is None:
        command = namespace_command(args.command, args.unshare)
    else:
        print(fallback_line(problem, f"running {' '.join(args.command)}"), file=sys.stderr, flush=True)
        command = list(args.command)
    os.execvp(command[0], command)


if __name__ == "__main__":
    sys.exit(main())
