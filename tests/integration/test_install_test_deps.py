"""scripts/install-test-deps: installs what the suite needs only where it is missing.

The script is run as a real process. On this machine (where the test command has run it)
everything is present; the other cases run it on a PATH of stand-ins for dpkg-query,
apt-get and id, since a test may not install or remove system packages itself.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
SCRIPT = ROOT / "scripts" / "install-test-deps"
PACKAGES = ["postgresql-15", "php-cli", "php-soap", "gsoap", "openjdk-17-jdk-headless", "jaxws",
            "mono-devel", "chromium", "chromium-driver", "nginx", "curl"]


def run(path: str, cwd: Path | None = None):
    return subprocess.run(["/bin/bash", str(SCRIPT)], env={"PATH": path}, cwd=cwd,
                          capture_output=True, text=True, timeout=120)


def stand_ins(tmp: Path, *, installed: list[str], uid: int = 0, commands=("node", "npm"),
              installs: bool = True) -> Path:
    """A bin directory: awk and grep, and stand-ins for dpkg-query (which reports the
    `installed` packages, plus whatever the stand-in apt-get has installed), apt-get
    (which logs its arguments, and provides node or npm when it installs nodejs or npm),
    id, and the `commands` node and npm."""
    bin_dir = tmp / "bin"
    bin_dir.mkdir()
    for tool in ("awk", "grep"):
        (bin_dir / tool).symlink_to(shutil.which(tool))
    state = tmp / "installed"
    state.write_text("".join(f"{p}\n" for p in installed))
    scripts = {
        "dpkg-query": f'for p in "${{@:3}}"; do /bin/grep -qx "$p" {state} && '
                      'printf "%s\\tinstalled\\n" "$p"; done; exit 0',
        "apt-get": f'echo "$*" >> {tmp / "apt.log"}\n'
                   + (f'[ "$1" = install ] && for p in "$@"; do echo "$p" >> {state}; '
                      f'case $p in nodejs|npm) c=${{p%js}}; printf "#!/bin/bash\\n" > {bin_dir}/$c; '
                      f'/bin/chmod +x {bin_dir}/$c;; esac; done\n'
                      if installs else "") + "exit 0",
        "id": f"echo {uid}",
        **{c: "exit 0" for c in commands},
    }
    for name, body in scripts.items():
        (bin_dir / name).write_text(f"#!/bin/bash\n{body}\n")
        (bin_dir / name).chmod(0o755)
    return bin_dir


def test_everything_present_returns_at_once_without_apt(tmp_path):
    fake_apt = tmp_path / "bin"
    fake_apt.mkdir()
    (fake_apt / "apt-get").write_text(f"#!/bin/sh\necho \"$*\" >> {tmp_path / 'apt.log'}\nexit 1\n")
    (fake_apt / "apt-get").chmod(0o755)
    out = run(f"{fake_apt}{os.pathsep}{os.environ['PATH']}")
    assert out.returncode == 0, out.stderr
    assert "all system packages present" in out.stdout
    assert not (tmp_path / "apt.log").exists(), "apt-get ran although nothing was missing"


def test_missing_packages_and_not_root_is_a_clear_error(tmp_path):
    bin_dir = stand_ins(tmp_path, installed=PACKAGES[2:], uid=1000, commands=("node",))
    out = run(str(bin_dir))
    assert out.returncode == 1
    assert "missing system packages: postgresql-15 php-cli npm" in out.stderr
    assert "as root" in out.stderr
    assert not (tmp_path / "apt.log").exists()


def test_as_root_it_updates_once_and_installs_only_what_is_missing(tmp_path):
    bin_dir = stand_ins(tmp_path, installed=[p for p in PACKAGES if p != "nginx"], commands=("npm",))
    out = run(str(bin_dir))
    assert out.returncode == 0, out.stderr
    log = (tmp_path / "apt.log").read_text().splitlines()
    assert log[0] == "update -qq"
    assert log[1].startswith("install ") and log[1].split()[-2:] == ["nginx", "nodejs"]
    assert len(log) == 2


def test_npm_is_installed_only_where_the_npm_command_is_missing(tmp_path):
    bin_dir = stand_ins(tmp_path, installed=PACKAGES, commands=("node", "npm"))
    assert run(str(bin_dir)).returncode == 0
    assert not (tmp_path / "apt.log").exists()


def test_a_package_apt_could_not_install_fails_loudly(tmp_path):
    bin_dir = stand_ins(tmp_path, installed=PACKAGES[1:], installs=False)
    out = run(str(bin_dir))
    assert out.returncode == 1
    assert "FAILED: still missing after apt-get install: postgresql-15" in out.stderr
