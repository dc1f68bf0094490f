"""Executes a notebook with nbclient, or renders one to HTML with nbconvert, for `sluice report`.

Started by kernel/src/report/jupyterPython.ts with the Python that has the pinned Jupyter tools
(scripts/requirements-jupyter.txt). It talks to Node through files and its exit code only, so
nothing a kernel prints can corrupt the protocol:

  execute IN.ipynb OUT.ipynb --cwd DIR --kernel NAME --timeout SECONDS [--allow-errors]
      0  OUT holds the executed notebook
      3  a cell raised: OUT holds the notebook executed up to and including that cell,
         and the last line of stderr is JSON {"cell": index, "ename": ..., "evalue": ...}
      4  the kernel could not be started (unknown kernelspec, crashed at startup)
  params OUT.json [--file YAML_FILE]... [--yaml YAML_TEXT]...
      0  OUT holds the mappings merged as papermill merges -f then -y (later keys win), read
         with PyYAML's safe loader less timestamps, as papermill reads them
      2  a file cannot be read, or a document is not a mapping (the message on stderr)
  html IN.ipynb OUT.html --template FILE --runtime FILE --chart-mime TYPE [--no-input] [--sanitize]
      0  OUT holds the HTML page; the text of --runtime ends its body, outputs of type
         --chart-mime are shown first and as they are, --sanitize is nbconvert's sanitize_html
"""

import argparse
import json
import math
import os
import sys

import nbformat

EXIT_CELL_ERROR = 3
EXIT_KERNEL = 4


def first_error(nb):
    """(index, ename, evalue) of the first code cell whose outputs hold an error."""
    for i, cell in enumerate(nb.cells):
        for out in cell.get("outputs", []):
            if out.get("output_type") == "error":
                return i, out.get("ename", ""), out.get("evalue", "")
    return None


def execute(args):
    from jupyter_client.kernelspec import NoSuchKernel
    from nbclient import NotebookClient
    from nbclient.exceptions import CellExecutionError, DeadKernelError

    nb = nbformat.read(args.input, as_version=4)
    client = NotebookClient(
        nb,
        kernel_name=args.kernel,
        timeout=args.timeout,
        allow_errors=args.allow_errors,
        # No per-cell timestamps in the metadata: re-running a report gives the same notebook.
        record_timing=False,
        # The kernel starts in this directory, so a notebook's relative paths mean what they
        # mean when the notebook is opened in JupyterLab.
        resources={"metadata": {"path": args.cwd}},
    )
    code = 0
    try:
        client.execute()
    except (NoSuchKernel, DeadKernelError, RuntimeError) as e:
        # RuntimeError: nbclient's "Kernel died before replying to kernel_info" and friends.
        print(json.dumps({"kernel": args.kernel, "error": f"{type(e).__name__}: {e}"}), file=sys.stderr)
        return EXIT_KERNEL
    except CellExecutionError as e:
        where = first_error(nb)
        info = {"cell": where[0] if where else None, "ename": getattr(e, "ename", ""), "evalue": getattr(e, "evalue", "")}
        print(json.dumps(info), file=sys.stderr)
        code = EXIT_CELL_ERROR
    # Written in both cases: a report of a failed run shows the error where it happened.
    nbformat.write(nb, args.output)
    return code


def html(args):
    from nbconvert import HTMLExporter
    from traitlets.config import Config

    nb = nbformat.read(args.input, as_version=4)
    with open(args.runtime, encoding="utf-8") as f:
        runtime = f.read()
    # The chart type first, then the HTML exporter's own priority (passing a list replaces it).
    priority = [args.chart_mime, *HTMLExporter().default_config.NbConvertBase.display_data_priority]
    # template_file is a path: nbconvert adds its folder to the search path, ahead of lab's.
    exporter = HTMLExporter(
        config=Config({"NbConvertBase": {"display_data_priority": priority}}),
        template_name="lab",
        template_file=args.template,
        exclude_input=args.no_input,
        exclude_input_prompt=args.no_input,
        sanitize_html=args.sanitize,
    )
    # The page's <title> is the notebook's file name, as `jupyter nbconvert` makes it.
    name = os.path.splitext(os.path.basename(args.input))[0]
    resources = {"metadata": {"name": name}, "sluice_runtime": runtime, "sluice_chart_mime": args.chart_mime}
    body, _ = exporter.from_notebook_node(nb, resources=resources)
    with open(args.output, "w", encoding="utf-8") as f:
        f.write(body)
    return 0


def params(args):
    import yaml

    # papermill's NoDatesSafeLoader: a date stays the string it was written as.
    class NoDatesSafeLoader(yaml.SafeLoader):
        yaml_implicit_resolvers = {k: [r for r in v if r[0] != "tag:yaml.org,2002:timestamp"] for k, v in yaml.SafeLoader.yaml_implicit_resolvers.items()}

    merged = {}
    sources = [("file", f) for f in args.file] + [("yaml", y) for y in args.yaml]
    for kind, source in sources:
        try:
            if kind == "file":
                with open(source, encoding="utf-8") as f:
                    text = f.read()
            else:
                text = source
            value = yaml.load(text, Loader=NoDatesSafeLoader) or {}
        except (OSError, yaml.YAMLError) as e:
            print(f"{'-f ' + source if kind == 'file' else '-y'}: {e}", file=sys.stderr)
            return 2
        if not isinstance(value, dict):
            print(f"{'-f ' + source if kind == 'file' else '-y'}: expected a mapping of names to values, got {type(value).__name__}", file=sys.stderr)
            return 2
        merged.update(value)
    with open(args.output, "w", encoding="utf-8") as f:
        json.dump(tag_non_finite(merged), f, default=str, allow_nan=False)
    return 0


def tag_non_finite(value):
    """YAML's .inf and .nan, which JSON cannot carry, as {"$nonFinite": "Infinity" | "-Infinity" | "NaN"}."""
    if isinstance(value, float) and not math.isfinite(value):
        return {"$nonFinite": "NaN" if math.isnan(value) else ("Infinity" if value > 0 else "-Infinity")}
    if isinstance(value, dict):
        return {str(k): tag_non_finite(v) for k, v in value.items()}
    if isinstance(value, list):
        return [tag_non_finite(v) for v in value]
    return value


def main():
    p = argparse.ArgumentParser(prog="nbrun.py")
    sub = p.add_subparsers(dest="command", required=True)
    e = sub.add_parser("execute")
    e.add_argument("input")
    e.add_argument("output")
    e.add_argument("--cwd", required=True)
    e.add_argument("--kernel", required=True)
    e.add_argument("--timeout", type=int, required=True)
    e.add_argument("--allow-errors", action="store_true")
    h = sub.add_parser("html")
    h.add_argument("input")
    h.add_argument("output")
    h.add_argument("--template", required=True)
    h.add_argument("--runtime", required=True)
    h.add_argument("--chart-mime", required=True)
    h.add_argument("--no-input", action="store_true")
    h.add_argument("--sanitize", action="store_true")
    y = sub.add_parser("params")
    y.add_argument("output")
    y.add_argument("--file", action="append", default=[])
    y.add_argument("--yaml", action="append", default=[])
    args = p.parse_args()
    return {"execute": execute, "html": html, "params": params}[args.command](args)


if __name__ == "__main__":
    sys.exit(main())
