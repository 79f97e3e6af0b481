"""A static look at a learner's answer cells: constructs that can reach around the checks.

Runtime detection (the kernel's guard) decides forbidden calls; this look never changes a score.
It lists, for the grades CSV's ``review`` column, answer cells that name a forbidden function or
use a construct a correct answer does not need (process control, introspection of the running
interpreter, code generation), so an instructor can read those few notebooks.
"""
from __future__ import annotations

import ast

SUSPICIOUS = {
    "setprofile": "replaces the profiler", "settrace": "installs a tracer",
    "addaudithook": "adds an audit hook", "_getframe": "inspects interpreter frames",
    "_current_frames": "inspects interpreter frames", "ctypes": "uses ctypes",
    "get_objects": "walks the garbage collector", "get_referrers": "walks the garbage collector",
    "get_referents": "walks the garbage collector", "threading": "starts threads",
    "_thread": "starts threads", "subprocess": "starts processes", "multiprocessing":
    "starts processes", "os.fork": "starts processes", "os.system": "runs shell commands",
    "os.popen": "runs shell commands", "execv": "replaces the process", "exec": "runs generated code",
    "eval": "runs generated code", "compile": "compiles generated code", "__import__":
    "imports by string", "importlib": "imports by string", "reload": "reloads a module",
    "getsource": "reads library source", "marshal": "loads code objects", "socket":
    "opens sockets", "get_ipython": "drives the notebook kernel", "register_magic_function":
    "replaces a magic", "input_transformers_cleanup": "rewrites cells",
    "input_transformers_post": "rewrites cells", "__code__": "edits code objects",
    "__closure__": "edits closures", "__defaults__": "edits function defaults",
    "__globals__": "edits function globals", "sys.modules": "edits sys.modules",
    "dup2": "redirects file descriptors", "dup": "duplicates file descriptors",
    "fileno": "handles raw file descriptors", "getpeername": "inspects sockets",
    "start_new_thread": "starts raw threads", "allocate_lock": "uses raw thread locks",
    "ops": "calls dispatcher ops (torch.ops)", "_VariableFunctions": "calls torch's C kernels",
    "_VF": "calls torch's C kernels", "_to_safe": "touches the checker's wire format",
    "_fingerprint": "touches the checker's mutation check", "_call_learner": "touches the "
    "checker", "_serve": "touches the checker", "LLMZ_GRADER_SOCKET": "touches the grader's "
    "socket", "/proc": "reads /proc", "__wrapped__": "unwraps functions", "unwrap":
    "unwraps functions", "b64decode": "decodes hidden code", "decompress": "decodes hidden code",
    "rmtree": "deletes folders", "kill": "signals processes", "killpg": "signals processes",
}
_BARE = {"exec", "eval", "compile", "__import__"}
_GENERIC = {"generate", "encode", "decode", "train", "validate", "compile", "forward", "tokenize"}


def _chains(tree) -> set[str]:
    """Every dotted name the code mentions (``torch.nn.functional.softmax``, ``F.softmax``),
    imported names, and string constants that look like names."""
    out = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Attribute):
            parts, n = [], node
            while isinstance(n, ast.Attribute):
                parts.append(n.attr)
                n = n.value
            if isinstance(n, ast.Name):
                parts.append(n.id)
            out.add(".".join(reversed(parts)))
        elif isinstance(node, ast.Name):
            out.add(node.id)
        elif isinstance(node, (ast.Import, ast.ImportFrom)):
            mod = getattr(node, "module", None) or ""
            for alias in node.names:
                out.add(f"{mod}.{alias.name}" if mod else alias.name)
                out.add(alias.name)
        elif isinstance(node, ast.Constant) and isinstance(node.value, str) and \
                len(node.value) < 200:
            out.add(node.value)
    return out


def review(answers: dict[str, str], forbid: list[str]) -> list[str]:
    """``task: reason`` for every answer cell that deserves a human look."""
    notes = []
    for task, src in answers.items():
        try:
            tree = ast.parse("\n".join(l for l in src.splitlines()
                                       if not l.lstrip().startswith(("%", "!"))))
        except SyntaxError:
            continue  # the kernel reports it; nothing to review
        chains = _chains(tree)
        modules = set()  # names bound to imported modules in this cell
        for node in ast.walk(tree):
            if isinstance(node, ast.Import):
                modules |= {(a.asname or a.name).split(".")[0] for a in node.names}
            elif isinstance(node, ast.ImportFrom):
                modules |= {a.asname or a.name for a in node.names}
        for node in ast.walk(tree):  # patching or renaming a module (the guard matches names)
            if isinstance(node, (ast.Assign, ast.AugAssign)):
                for t in getattr(node, "targets", [getattr(node, "target", None)]):
                    root = t
                    while isinstance(root, ast.Attribute):
                        root = root.value
                    if isinstance(t, ast.Attribute) and (
                            t.attr.startswith("__") or
                            (isinstance(root, ast.Name) and root.id in modules)):
                        notes.append(f"{task}: patches {ast.unparse(t)}")
        tails = {c.rsplit(".", 1)[-1] for c in chains}
        pairs = {".".join(c.split(".")[-2:]) for c in chains if "." in c}
        hits = set()
        for f in forbid:
            last2 = ".".join(f.split(".")[-2:])
            last = f.rsplit(".", 1)[-1]
            if last2 in pairs or (last in tails and len(last) >= 8 and last not in _GENERIC):
                hits.add(f)
            owner = f.rsplit(".", 2)[-2] if f.count(".") >= 2 else ""
            if owner[:1].isupper() and owner in tails:  # the class whose method is forbidden
                hits.add(f)  # (its C methods called from C, e.g. map(tok.encode, ...), are
                # invisible at run time)
        for f in sorted(hits):
            notes.append(f"{task}: mentions {f}, which a task of this exercise forbids")
        names = {n.id for n in ast.walk(tree) if isinstance(n, ast.Name)}
        for word, why in SUSPICIOUS.items():
            if word in _BARE:
                hit = word in names  # exec(...), not model.eval()
            elif "." in word or "/" in word:
                hit = word in chains or any(word in c for c in chains if c.startswith("/"))
            else:
                hit = word in tails
            if hit:
                notes.append(f"{task}: {why} ({word})")
    return notes
