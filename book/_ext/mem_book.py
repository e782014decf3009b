"""Sphinx extension of the book (loaded by _config.yml's ``sphinx: local_extensions``).

Three things every page gets:

- **the version**: ``mem.__version__`` (read from ``mem/__init__.py``, its one source) and the
  licences, in the footer of every page;
- **links to the API page**: an inline literal that names a documented object of ``mem``
  (```mem.slowpoints.find_slow_points```, also with ``()`` or call arguments, and re-exported names
  such as ``mem.tasks.DelayedClassification``) becomes a link to its entry on the API page;
- **click to enlarge**: ``_static/enlarge.js`` opens a figure at full size over the page.
"""
from __future__ import annotations

import ast
import re
from pathlib import Path

from docutils import nodes

ROOT = Path(__file__).resolve().parents[2]
STATIC = Path(__file__).resolve().parents[1] / "_static"
NAME = re.compile(r"mem(?:\.[A-Za-z_]\w*)+")


def version() -> str:
    """``mem.__version__`` as written in ``mem/__init__.py`` (read without importing torch)."""
    tree = ast.parse((ROOT / "mem" / "__init__.py").read_text(encoding="utf-8"))
    for node in tree.body:
        if isinstance(node, ast.Assign) and any(getattr(t, "id", None) == "__version__" for t in node.targets):
            return node.value.value
    raise RuntimeError("mem/__init__.py defines no __version__")


def footer(v: str) -> str:
    return (f'<p class="mem-version">Memory in RNNs, version {v} (the <code>mem</code> package and this book). '
            'Code: MIT licence. Text, figures and trained networks: CC BY 4.0. '
            'To cite, see CITATION.cff in the repository.</p>')


def _config_inited(app, config):
    v = version()
    config.version = config.release = v
    options = dict(config.html_theme_options or {})
    options["extra_footer"] = footer(v)
    config.html_theme_options = options


def _target(objects: dict, name: str):
    """The documented object ``name`` names: itself, the object it re-exports, or its longest documented prefix."""
    parts = name.split(".")
    while len(parts) > 1:
        dotted = ".".join(parts)
        if dotted in objects:
            return dotted
        head, tail = ".".join(parts[:-1]) + ".", "." + parts[-1]
        depth = dotted.count(".") + 1
        found = [k for k in objects if k.startswith(head) and k.endswith(tail) and k.count(".") == depth]
        if len(found) == 1:
            return found[0]
        parts = parts[:-1]
    return None


def _link_mem_names(app, doctree, docname):
    if app.builder.format != "html":
        return
    domain = app.env.get_domain("py")
    objects = {name: (entry.docname, entry.node_id) for name, entry in domain.objects.items()}
    objects.update({name: (entry.docname, entry.node_id) for name, entry in domain.modules.items()})
    for literal in list(doctree.findall(nodes.literal)):
        if isinstance(literal.parent, (nodes.reference, nodes.literal_block)) or literal.get("classes") == ["xref"]:
            continue
        m = NAME.match(literal.astext())
        target = _target(objects, m.group(0)) if m else None
        if target is None:
            continue
        where, anchor = objects[target]
        uri = app.builder.get_relative_uri(docname, where) + "#" + anchor
        ref = nodes.reference("", "", internal=True, refuri=uri, reftitle=target, classes=["mem-api"])
        literal.replace_self(ref)
        ref.append(literal)


def setup(app):
    app.connect("config-inited", _config_inited)
    app.connect("doctree-resolved", _link_mem_names)
    app.connect("builder-inited", lambda app: app.config.html_static_path.append(str(STATIC)))
    app.add_js_file("enlarge.js")
    app.add_css_file("enlarge.css")
    return {"version": version(), "parallel_read_safe": True, "parallel_write_safe": True}
