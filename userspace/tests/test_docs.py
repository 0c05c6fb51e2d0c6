#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""The manuals and the bash completion against the code they describe.

Usage: test_docs.py BIN MANDIR [COMPLETION]
  BIN         the build's bin directory (verify-file is run for --help)
  MANDIR      the generated pages (.obj/man: man1/, man3/, man4/)
  COMPLETION  the bash completion file (default
              ../packaging/bash-completion/verify-file)

Everything compared is derived from the code or the built program, never
written down here: the options and value limits from `verify-file --help`,
the functions and struct fields from verityscrub.h, the flags, kinds,
details and field offsets from uapi/linux/verity_scrub.h (offsets by
compiling offsetof()), the ioctl's errnos from module/ioctl.c.  The pages
are read as mandoc renders them (-Thtml), so what is compared is what a
reader sees.  Every test prints PASS or FAIL once.
"""
import html.parser
import os
import re
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
sys.dont_write_bytecode = True
from harness import Failed, check, eq, finish, report, test  # noqa: E402,F401
US = os.path.dirname(HERE)                    # userspace/
TOP = os.path.dirname(US)
BIN = os.path.abspath(sys.argv[1] if len(sys.argv) > 1 else
                      os.path.join(US, ".obj/bin"))
MAN = os.path.abspath(sys.argv[2] if len(sys.argv) > 2 else
                      os.path.join(US, ".obj/man"))
COMPLETION = os.path.abspath(sys.argv[3] if len(sys.argv) > 3 else os.path.join(
    TOP, "packaging/bash-completion/verify-file"))
BASH_COMPLETION = "/usr/share/bash-completion/bash_completion"
UAPI = os.path.join(TOP, "uapi/linux/verity_scrub.h")
LIBH = os.path.join(US, "verityscrub.h")



def read(path):
    with open(path) as f:
        return f.read()


def page(name, sec):
    return os.path.join(MAN, f"man{sec}", f"{name}.{sec}")


# ---- the pages as mandoc renders them -------------------------------------

class Page(html.parser.HTMLParser):
    """mandoc -Thtml output as sections (h1) and subsections (h2), each with
    its tagged-paragraph heads (dt), their bodies (dd), its preformatted
    blocks (pre) and its whole text."""

    def __init__(self, path):
        super().__init__(convert_charrefs=True)
        self.sections = {}          # name -> {"text", "dt", "dd", "pre", "sub"}
        self.cur = self.sub = None
        self.grab = None            # "h1", "h2", "dt", "dd", "pre"
        self.buf = ""
        self.depth = 0              # dl nesting inside the current dd
        out = subprocess.run(["mandoc", "-Thtml", "-O", "fragment", path],
                             capture_output=True, text=True, check=True)
        self.feed(out.stdout)

    @staticmethod
    def blank():
        return {"text": "", "dt": [], "dd": [], "pre": [], "sub": {}}

    def where(self):
        s = self.sections.setdefault(self.cur or "", self.blank())
        return s["sub"].setdefault(self.sub, self.blank()) if self.sub else s

    def handle_starttag(self, tag, attrs):
        if tag in ("h1", "h2"):
            self.grab, self.buf = tag, ""
        elif tag == "dt" and self.grab is None:
            self.grab, self.buf = "dt", ""
        elif tag == "dd" and self.grab is None:
            self.grab, self.buf, self.depth = "dd", "", 0
        elif tag == "dl" and self.grab == "dd":
            self.depth += 1
        elif tag == "pre" and self.grab in (None, "dd"):
            self.pre = ""

    def handle_endtag(self, tag):
        if tag == self.grab == "h1":
            self.cur, self.sub = " ".join(self.buf.split()), None
            self.sections[self.cur] = self.blank()
            self.grab = None
        elif tag == self.grab == "h2":
            self.sub = " ".join(self.buf.split())
            self.where()
            self.grab = None
        elif tag == self.grab == "dt":
            self.where()["dt"].append(" ".join(self.buf.split()))
            self.grab = None
        elif tag == "dl" and self.grab == "dd" and self.depth:
            self.depth -= 1
        elif tag == self.grab == "dd" and not self.depth:
            self.where()["dd"].append(" ".join(self.buf.split()))
            self.grab = None
        elif tag == "pre" and hasattr(self, "pre"):
            self.where()["pre"].append(self.pre)
            del self.pre

    def handle_data(self, data):
        if self.grab:
            self.buf += data
        if hasattr(self, "pre"):
            self.pre += data
        if self.cur is not None:
            self.sections[self.cur]["text"] += data
            if self.sub:
                self.where()["text"] += data

    def section(self, name, sub=None):
        check(name in self.sections, f"no section {name}")
        s = self.sections[name]
        if sub is not None:
            check(sub in s["sub"], f"no subsection {name} / {sub}")
            s = s["sub"][sub]
        return s


# ---- what the code says -----------------------------------------------------

def help_text():
    p = subprocess.run([os.path.join(BIN, "verify-file"), "--help"],
                       capture_output=True, text=True, timeout=20)
    eq(p.returncode, 0, "verify-file --help exit")
    return p.stdout


OPT_RE = re.compile(r"^(?:(-[A-Za-z]), )?(--[a-z][a-z-]*)(?: (\S+))?$")


def help_options():
    """{--long: (short, placeholder, description)} from --help."""
    opts, last = {}, None
    lines = help_text().split("\n")
    check("Options:" in lines, "no 'Options:' in --help")
    for line in lines[lines.index("Options:") + 1:]:
        if not line.strip():
            break
        m = re.match(r"^  ((?:-[A-Za-z], )?|    )(--\S+(?: [A-Z][A-Z:]*)?)"
                     r"(?:  +(.*))?$", line)
        if m:
            head = (m.group(1).strip() + " " + m.group(2)).strip()
            om = OPT_RE.match(head)
            check(om, f"--help line not understood: {line!r}")
            last = om.group(2)
            check(last not in opts, f"{last} twice in --help")
            opts[last] = [om.group(1), om.group(3), m.group(3) or ""]
        else:
            check(last and line.startswith(" " * 29),
                  f"--help line not understood: {line!r}")
            opts[last][2] += " " + line.strip()
    return {k: tuple(v) for k, v in opts.items()}


def man_options(path):
    """{--long: (short, placeholder, description)} from OPTIONS."""
    s = Page(path).section("OPTIONS")
    opts = {}
    eq(len(s["dt"]), len(s["dd"]), "OPTIONS: heads and bodies")
    for head, body in zip(s["dt"], s["dd"]):
        om = OPT_RE.match(head)
        check(om, f"OPTIONS entry not understood: {head!r}")
        check(om.group(2) not in opts, f"{om.group(2)} twice in the man page")
        opts[om.group(2)] = (om.group(1), om.group(3), body)
    return opts


def limits(text):
    """The numeric limits a description states: ranges and defaults."""
    text = text.replace("\u2013", "-")
    return (sorted(set(re.findall(r"\b(\d+) ?(?:-|to) ?(\d+)\b", text))),
            sorted(set(re.findall(r"\bdefault (\d+)", text))))


def c_macros(path):
    """The function-like verity_scrub_* macros of a C header."""
    return re.findall(r"^#define (verity_scrub_\w+)\(", read(path), flags=re.M)


def c_decls(path):
    """Function prototypes and struct fields of a C header."""
    src = re.sub(r"/\*.*?\*/", "", read(path), flags=re.S)
    src = re.sub(r"^\s*#.*$", "", src, flags=re.M)
    funcs = {}
    for m in re.finditer(r"^[a-z][^;{}()]*?\b(verity_scrub_\w+)\(([^;{}]*?)\);",
                         src, flags=re.M):
        funcs[m.group(1)] = " ".join(m.group(0).split())
    structs = {}
    for m in re.finditer(r"^struct (\w+) \{(.*?)^\};", src, flags=re.M | re.S):
        fields = []
        for decl in m.group(2).split(";"):
            decl = " ".join(decl.split())
            if not decl:
                continue
            fm = re.search(r"\(\*(\w+)\)", decl) or \
                re.search(r"(\w+)(?:\[[^]]*\])?$", decl)
            fields.append(fm.group(1))
        structs[m.group(1)] = fields
    return funcs, structs


def dt_field(head):
    """The field a struct entry documents: 'uint64_t start' -> start,
    '__u64 start [16], in/out' -> start, 'int (*on_range)(...)' ->
    on_range, 'uint8_t digest[64]' -> digest."""
    m = re.search(r"\(\*(\w+)\)", head)
    if m:
        return m.group(1)
    head = re.sub(r" \[\d+\](, (in|out|in/out))?$", "", head)
    m = re.search(r"(\w+)(?:\[[^]]*\])?$", head)
    check(m, f"entry not understood: {head!r}")
    return m.group(1)


# ---- lint and versions ------------------------------------------------------

PAGES = [("verify-file", 1), ("verityscrub", 3), ("verity-scrub", 4)]
LINKS = ["verity_scrub_open", "verity_scrub_close", "verity_scrub_opts_init",
         "verity_scrub_opts_init_size", "verity_scrub_result_init",
         "verity_scrub_result_init_size", "verity_scrub_fd", "verity_scrub_path", "verity_scrub_strerror",
         "verity_scrub_kind_name", "verity_scrub_detail_name",
         "verity_scrub_version", "verity_scrub_repair_opts_init",
         "verity_scrub_repair_opts_init_size",
         "verity_scrub_repair_result_init",
         "verity_scrub_repair_result_init_size", "verity_scrub_repair_path",
         "verity_scrub_repair_status_name", "verity_scrub_repair_step_name"]


def lint(path):
    p = subprocess.run(["mandoc", "-Tlint", "-W", "warning", path],
                       capture_output=True, text=True)
    eq((p.returncode, p.stdout + p.stderr), (0, ""), "mandoc -Tlint -W warning")


def lint_all():
    got = sorted(os.path.relpath(os.path.join(d, f), MAN)
                 for d, _, fs in os.walk(MAN) for f in fs)
    want = sorted([f"man{s}/{n}.{s}" for n, s in PAGES] +
                  [f"man3/{n}.3" for n in LINKS])
    report("man_pages_are_the_expected_set", eq, got, want, "pages")
    for rel in want:
        report(f"mandoc_lint {rel}", lint, os.path.join(MAN, rel))


lint_all()


@test
def man_pages_carry_the_version_of_VERSION():
    version = read(os.path.join(TOP, "VERSION")).strip()
    for name, sec in PAGES:
        src = read(os.path.join(US, "man", f"{name}.{sec}.in"))
        th = [l for l in src.splitlines() if l.startswith(".TH ")]
        check(len(th) == 1 and re.fullmatch(
            rf'\.TH {re.escape(name.upper())} {sec} @DATE@ '
            rf'"verity-scrub @VERSION@" "[^"]+"', th[0]),
            f"{name}.{sec}.in: .TH without the @DATE@ and @VERSION@ tokens: {th}")
        check(version not in src, f"{name}.{sec}.in hard-codes {version}")
        out = read(page(name, sec))
        th = [l for l in out.splitlines() if l.startswith(".TH ")]
        check(len(th) == 1 and re.fullmatch(
            rf'\.TH {re.escape(name.upper())} {sec} \d{{4}}-\d\d-\d\d '
            rf'"verity-scrub {re.escape(version)}" "[^"]+"', th[0]),
            f"{name}.{sec}: {th}")
        check(not re.search(r"@[A-Z]+@", out), f"{name}.{sec}: token left")
    for n in LINKS:
        eq(os.readlink(page(n, 3)), "verityscrub.3", f"{n}.3 link")


# ---- verify-file(1) against --help -----------------------------------------

def compare_options(man_path):
    helps, mans = help_options(), man_options(man_path)
    check(len(helps) >= 17, f"too few options in --help: {sorted(helps)}")
    eq(sorted(set(helps) - set(mans)), [], "in --help, not in the man page")
    eq(sorted(set(mans) - set(helps)), [], "in the man page, not in --help")
    for opt in helps:
        eq(mans[opt][0], helps[opt][0], f"{opt}: short form (man vs --help)")
        eq(mans[opt][1], helps[opt][1], f"{opt}: value placeholder")
        eq(limits(mans[opt][2]), limits(helps[opt][2]),
           f"{opt}: ranges and defaults stated (man vs --help)")


@test
def help_and_man_page_agree_option_by_option():
    compare_options(page("verify-file", 1))


@test
def man_page_exit_status_is_the_help_one():
    text = " ".join(help_text().split())
    bits = re.search(r"Exit status \(bits ORed\): (.*)", text)
    check(bits, "no exit status in --help")
    helped = sorted(int(b) for b in re.findall(r"(?:^|, )(\d+) ", bits.group(1)))
    s = Page(page("verify-file", 1)).section("EXIT STATUS")
    eq(sorted(int(d) for d in s["dt"]), helped, "exit bits")


# ---- verityscrub(3) against verityscrub.h ------------------------------------

LIB_STRUCTS = {"verity_scrub_opts": "Options",
               "verity_scrub_progress": "Progress",
               "verity_scrub_result": "Results",
               "verity_scrub_repair_source": "Repair sources",
               "verity_scrub_repair_opts": "Repair options",
               "verity_scrub_repair_result": "Repair results"}


@test
def verityscrub3_documents_every_function():
    funcs, _ = c_decls(LIBH)
    p = Page(page("verityscrub", 3))
    check(len(funcs) >= 9, f"too few functions in verityscrub.h: {funcs}")
    names = [n.strip() for n in
             p.section("NAME")["text"].split(" - ")[0].split(",")]
    macros = c_macros(LIBH)
    check(macros, "no function-like macros found in verityscrub.h")
    eq(sorted(names), sorted(["verityscrub"] + list(funcs) + macros), "NAME")
    eq(sorted(LINKS), sorted(list(funcs) + macros),
       "one link page per function and function-like macro")
    pres = p.section("SYNOPSIS")["pre"]
    eq(pres[0].strip(), "#include <verityscrub.h>", "SYNOPSIS include")
    synopsis = " ".join(" ".join(pres[1:]).split())
    protos = [x.strip() + ";" for x in synopsis.split(";") if x.strip()]
    # a macro is shown as the prototype it behaves as
    shown = [x for x in protos
             if not any(re.search(rf"\b{m}\(", x) for m in macros)]
    eq(sorted(shown), sorted(funcs.values()), "SYNOPSIS prototypes")
    for m in macros:
        check(any(re.search(rf"\b{m}\(", x) for x in protos),
              f"{m}() not in the SYNOPSIS")
    desc = p.section("DESCRIPTION")["text"] + p.section("RETURN VALUE")["text"]
    for f in list(funcs) + macros:
        check(f + "()" in desc, f"{f}() not described")


@test
def verityscrub3_documents_every_struct_field():
    _, structs = c_decls(LIBH)
    p = Page(page("verityscrub", 3))
    for st, sub in LIB_STRUCTS.items():
        got = [dt_field(d) for d in p.section("DESCRIPTION", sub)["dt"]]
        eq(got, structs[st], f"struct {st} in DESCRIPTION / {sub}")
    _, ustructs = c_decls(UAPI)
    got = [dt_field(d) for d in p.section("DESCRIPTION", "Bad ranges")["dt"]]
    eq(got, [f for f in ustructs["verity_scrub_range"] if f != "__reserved"],
       "struct verity_scrub_range")


@test
def verityscrub3_example_is_the_example_program():
    # As a reader sees it: -Tascii, the block between the first sentence
    # and "Build it with", less its indentation.
    want = read(os.path.join(US, "examples/scrub-example.c")).expandtabs(8)
    out = subprocess.run(["mandoc", "-Tascii", page("verityscrub", 3)],
                         capture_output=True, text=True, check=True).stdout
    out = re.sub(".\b", "", out)
    m = re.search(r"\nEXAMPLES\n.*?\n\n(.*?)\n\n {7}Build it with", out, re.S)
    check(m, "no example program in EXAMPLES")
    lines = m.group(1).split("\n")
    check(all(not l or l.startswith(" " * 11) for l in lines),
          "example not indented by 11 columns")
    eq("\n".join(l[11:] for l in lines), want.rstrip("\n"), "EXAMPLES program")


@test
def verityscrub3_errors_name_what_strerror_explains():
    # Every errno the library's messages explain is in ERRORS.
    src = read(os.path.join(US, "lib/verityscrub.c"))
    explained = set(re.findall(r"case (E[A-Z0-9]+):", src))
    p = Page(page("verityscrub", 3))
    dts = " ".join(p.section("ERRORS")["dt"])
    text = p.section("ERRORS")["text"]
    missing = sorted(e for e in explained if e not in dts and e not in text)
    eq(missing, [], "errnos explained by verity_scrub_strerror, not in ERRORS")


# ---- verity-scrub(4) against the uapi header and the module ------------------

def uapi_values(prefix):
    src = read(UAPI)
    vals = {m.group(1): ("bit " + m.group(2)) for m in re.finditer(
        rf"#define ({prefix}\w+)\s+_BITULL\((\d+)\)", src)}
    vals.update({m.group(1): m.group(2) for m in re.finditer(
        rf"^\s+({prefix}\w+) = (\d+),", src, flags=re.M)})
    return vals


def offsets(struct, fields):
    with tempfile.TemporaryDirectory(prefix="vf-docs-") as d:
        c = os.path.join(d, "off.c")
        with open(c, "w") as f:
            f.write("#include <stdio.h>\n#include <stddef.h>\n"
                    "#include <linux/verity_scrub.h>\nint main(void)\n{\n")
            for fl in fields:
                f.write(f'\tprintf("%zu\\n", offsetof(struct {struct}, {fl}));\n')
            f.write(f'\tprintf("%zu\\n", sizeof(struct {struct}));\n'
                    "\treturn 0;\n}\n")
        subprocess.run(["cc", "-std=c11", "-I", os.path.join(TOP, "uapi"),
                        "-o", os.path.join(d, "off"), c], check=True)
        out = subprocess.run([os.path.join(d, "off")], capture_output=True,
                             text=True, check=True).stdout.split()
    return [int(x) for x in out]


@test
def verity_scrub4_documents_every_field_and_offset():
    _, structs = c_decls(UAPI)
    p = Page(page("verity-scrub", 4))
    for st in ("verity_scrub_args", "verity_scrub_range"):
        s = p.section("DESCRIPTION", f"struct {st}")
        got = [dt_field(d) for d in s["dt"]]
        eq(got, structs[st], f"struct {st} fields")
        offs = offsets(st, structs[st])
        eq([int(re.search(r" \[(\d+)\]", d).group(1)) for d in s["dt"]],
           offs[:-1], f"struct {st} offsets")
        check(s["text"].lstrip().startswith(f"{offs[-1]} bytes"),
              f"struct {st}: size {offs[-1]} not stated first")


@test
def verity_scrub4_documents_every_flag_kind_and_detail():
    p = Page(page("verity-scrub", 4))
    for prefix, sub in (("VERITY_SCRUB_FLAG_", "Flags (in)"),
                        ("VERITY_SCRUB_OUT_", "Out flags"),
                        ("VERITY_SCRUB_KIND_", "Kinds"),
                        ("VERITY_SCRUB_DETAIL_", "Details")):
        want = {k: v for k, v in uapi_values(prefix).items()
                if k != "VERITY_SCRUB_KIND_COUNT"}
        got = {}
        for d in p.section("DESCRIPTION", sub)["dt"]:
            m = re.fullmatch(r"(\w+) \((bit \d+|\d+)\)", d)
            check(m, f"{sub}: entry not understood: {d!r}")
            got[m.group(1)] = m.group(2)
        eq(got, want, sub)


@test
def verity_scrub4_errors_are_the_module_errors():
    src = read(os.path.join(TOP, "module/ioctl.c"))
    block = re.search(r"\* Errors .*?:\n(.*?)\n \* [A-Z]", src, re.S)
    check(block, "no Errors list in module/ioctl.c")
    want = set(re.findall(r"^ \*\s+-(E[A-Z0-9]+)\s", block.group(1), re.M))
    want |= set(re.findall(r"return -(ENOTTY);", src))
    check(len(want) >= 10, f"too few errnos found in module/ioctl.c: {want}")
    got = set(Page(page("verity-scrub", 4)).section("ERRORS")["dt"])
    eq(sorted(got), sorted(want), "ERRORS of verity-scrub(4)")


@test
def verity_scrub4_ioctl_number_and_limits():
    p = Page(page("verity-scrub", 4))
    text = " ".join(p.section("DESCRIPTION")["text"].split())
    src = read(UAPI)
    for name in ("VERITY_SCRUB_DEFAULT_RETRIES", "VERITY_SCRUB_MAX_RETRIES",
                 "VERITY_SCRUB_ARGS_SIZE_VER0"):
        val = re.search(rf"#define {name}\s+(\d+)", src).group(1)
        check(f"{name} ({val})" in text, f"'{name} ({val})' not in the page")
    with tempfile.TemporaryDirectory(prefix="vf-docs-") as d:
        c = os.path.join(d, "n.c")
        with open(c, "w") as f:
            f.write('#include <stdio.h>\n#include <linux/verity_scrub.h>\n'
                    'int main(void) { printf("%#lx\\n", (unsigned long)'
                    'VERITY_SCRUB_IOC_SCRUB); return 0; }\n')
        subprocess.run(["cc", "-I", os.path.join(TOP, "uapi"), "-o",
                        os.path.join(d, "n"), c], check=True)
        num = subprocess.run([os.path.join(d, "n")], capture_output=True,
                             text=True, check=True).stdout.strip()
    check(f"({num} with the" in text, f"ioctl number {num} not in the page")
    mod = read(os.path.join(TOP, "module/ioctl.c"))
    dflt = re.search(r"unsigned int max_scrubs = (\d+);", mod).group(1)
    eq(re.search(r"max_scrubs Number of calls that scrub at once, "
                 r"module-wide \(default (\d+);", text).group(1), dflt,
       "max_scrubs default")
    rule = read(os.path.join(TOP, "packaging/60-verity-scrub.rules"))
    mode = re.search(r'MODE="(\d+)"', rule).group(1)
    check(f"mode {mode}" in text, f"udev rule mode {mode} not in the page")
    main = read(os.path.join(TOP, "module/main.c"))
    mode = "0" + re.search(r"\.mode = 0?(\d+),", main).group(1)
    check(f"node mode {mode}" in text, f"module's node mode {mode} not stated")


@test
def verity_scrub4_example_compiles():
    out = subprocess.run(["mandoc", "-Tascii", page("verity-scrub", 4)],
                         capture_output=True, text=True, check=True).stdout
    out = re.sub(".\b", "", out)
    m = re.search(r"\nEXAMPLES\n.*?\n\n(.*?)\n\nFILES\n", out, re.S)
    check(m, "no example program in EXAMPLES")
    lines = m.group(1).split("\n")
    check(all(not l or l.startswith(" " * 11) for l in lines),
          "example not indented by 11 columns")
    with tempfile.TemporaryDirectory(prefix="vf-docs-") as d:
        c = os.path.join(d, "ex.c")
        with open(c, "w") as f:
            f.write("\n".join(l[11:] for l in lines) + "\n")
        p = subprocess.run(["cc", "-std=c11", "-D_GNU_SOURCE", "-Wall",
                            "-Wextra", "-Werror", "-Wconversion",
                            "-Wno-sign-conversion", "-I",
                            os.path.join(TOP, "uapi"), "-o",
                            os.path.join(d, "ex"), c],
                           capture_output=True, text=True)
        eq((p.returncode, p.stderr), (0, ""), "cc of the EXAMPLES program")


# ---- the bash completion ------------------------------------------------------

HARNESS = r'''
source "$1" || exit 1
source "$2" || exit 1
shift 2
compopt() { :; }	# only valid while bash itself completes
COMP_WORDS=("$@")
COMP_CWORD=$(($# - 1))
COMP_LINE=$VF_COMP_LINE
COMP_POINT=${#COMP_LINE}
fn=$(complete -p verify-file | sed -n 's/.* -F \([^ ]*\) .*/\1/p')
[ -n "$fn" ] || { echo "no completion for verify-file" >&2; exit 1; }
"$fn" verify-file "${COMP_WORDS[COMP_CWORD]}" "${COMP_WORDS[COMP_CWORD-1]}"
printf '%s\n' "${COMPREPLY[@]}"
'''


def complete(*words, cwd=None):
    """What completing the last of @words offers, as bash would split the
    line: '=' is a word of its own (COMP_WORDBREAKS) but has no spaces."""
    words = ["verify-file"] + list(words)
    line = words[0]
    for prev, w in zip(words, words[1:]):
        line += w if "=" in (prev, w) else " " + w
    p = subprocess.run(["bash", "-c", HARNESS, "harness", BASH_COMPLETION,
                        COMPLETION] + words, capture_output=True, text=True,
                       timeout=20, cwd=cwd, env=dict(os.environ,
                                                     VF_COMP_LINE=line))
    eq((p.returncode, p.stderr), (0, ""), f"completing {words}")
    return sorted(x for x in p.stdout.split("\n") if x)


@test
def completion_offers_exactly_the_help_options():
    helps = help_options()
    eq(complete("--"), sorted(helps), "verify-file --<TAB>")
    shorts = [v[0] for v in helps.values() if v[0]]
    eq(complete("-"), sorted(list(helps) + shorts), "verify-file -<TAB>")
    eq(complete("--exp"), ["--expect-digest", "--expect-digest-file"],
       "verify-file --exp<TAB>")


@test
def completion_is_found_by_bash_completion_by_name():
    # Installed as completions/verify-file (make install), bash-completion
    # loads it the first time verify-file is completed.
    with tempfile.TemporaryDirectory(prefix="vf-docs-") as d:
        os.makedirs(os.path.join(d, "bash-completion/completions"))
        with open(COMPLETION) as src, open(os.path.join(
                d, "bash-completion/completions/verify-file"), "w") as dst:
            dst.write(src.read())
        p = subprocess.run(
            ["bash", "-c", 'source "$1" && _completion_loader verify-file; '
             'complete -p verify-file', "harness", BASH_COMPLETION],
            capture_output=True, text=True, timeout=20,
            env=dict(os.environ, XDG_DATA_DIRS=d))
        eq((p.returncode, p.stdout, p.stderr),
           (0, "complete -F _verify_file verify-file\n", ""), "loaded")


@test
def completion_values_and_paths():
    lo, hi = limits(help_options()["--retries"][2])[0][0]
    want = [str(i) for i in range(int(lo), int(hi) + 1)]
    eq(complete("--retries", ""), sorted(want), "--retries <TAB>")
    eq(complete("--retries", "=", ""), sorted(want), "--retries=<TAB>")
    eq(complete("--expect-digest", "sha"), ["sha256:", "sha512:"],
       "--expect-digest sha<TAB>")
    for opt in ("--jobs", "-j", "--range", "--limit"):
        eq(complete(opt, ""), [], f"{opt} <TAB>: a value, no file")
    with tempfile.TemporaryDirectory(prefix="vf-docs-") as d:
        os.mkdir(os.path.join(d, "adir"))
        for f in ("afile", "-dash"):
            open(os.path.join(d, f), "w").close()
        eq(complete("a", cwd=d), ["adir", "afile"], "PATH<TAB>")
        eq(complete("--expect-digest-file", "a", cwd=d), ["adir", "afile"],
           "--expect-digest-file <TAB>")
        eq(complete("-r", "--", "-", cwd=d), ["-dash"], "-- -<TAB>: a path")


# ---- the journal's MESSAGE_IDs and the metrics ------------------------------

CLI = os.path.join(US, "cli")


def message_ids():
    """{name: id} from cli/message_ids.h (VF_MSGID_HASH_MISMATCH ->
    hash_mismatch)."""
    return {m.group(1).lower(): m.group(2) for m in re.finditer(
        r'^#define VF_MSGID_(\w+)\s+"([0-9a-f]{32})"$',
        read(os.path.join(CLI, "message_ids.h")), flags=re.M)}


@test
def man_page_lists_every_message_id():
    ids = message_ids()
    eq(len(ids), 7, f"MESSAGE_IDs in message_ids.h: {ids}")
    s = Page(page("verify-file", 1)).section("JOURNAL")
    eq(sorted(s["dt"]), sorted(ids.values()), "JOURNAL: one entry per ID")
    for name, mid in ids.items():
        body = s["dd"][s["dt"].index(mid)]
        check(name.replace("_", "") in body.replace("_", "").lower(),
              f"{mid}: names {name}: {body!r}")


@test
def man_page_lists_every_metric():
    src = read(os.path.join(CLI, "metrics.c"))
    names = set(re.findall(r'family\(m, "(\w+)"', src))
    check(len(names) >= 9, f"metric families in metrics.c: {names}")
    s = Page(page("verify-file", 1)).section("METRICS")
    shown = set()
    for head in s["dt"]:
        shown.update(re.findall(r"verity_scrub_(\w+)", head))
    eq(sorted(shown), sorted(names), "METRICS: every family")


@test
def alerting_rules_use_only_metrics_verify_file_writes():
    src = read(os.path.join(CLI, "metrics.c"))
    names = set(re.findall(r'family\(m, "(\w+)"', src))
    rules = read(os.path.join(TOP, "packaging/prometheus/verity-scrub.rules.yml"))
    used = set(re.findall(r"\bverity_scrub_(\w+)", rules))
    eq(sorted(used - names), [], "metrics the rules use that are not written")
    for name in ("bad_blocks", "last_clean_run_timestamp_seconds",
                 "run_complete"):
        check(name in used, f"no rule on verity_scrub_{name}")
    labels = set(re.findall(r"\$labels\.(\w+)", rules))
    eq(sorted(labels - {"instance", "job", "root"}), [],
       "labels the rules' templates use")


@test
def completion_of_log_and_metrics():
    p = subprocess.run([os.path.join(BIN, "verify-file"), "--log=?", "x"],
                       capture_output=True, text=True, timeout=20)
    eq(p.returncode, 16, "--log=? exit")
    m = re.search(r"expected ((?:\w+, )*\w+) or (\w+)\n", p.stderr)
    check(m, f"--log values in the usage error: {p.stderr!r}")
    values = m.group(1).split(", ") + [m.group(2)]
    eq(complete("--log", ""), sorted(values), "--log <TAB>")
    eq(complete("--log", "=", "j"), ["journal"], "--log=j<TAB>")
    with tempfile.TemporaryDirectory(prefix="vf-docs-") as d:
        open(os.path.join(d, "m.prom"), "w").close()
        eq(complete("--metrics", "m", cwd=d), ["m.prom"], "--metrics <TAB>")


if __name__ == "__main__":
    finish()
