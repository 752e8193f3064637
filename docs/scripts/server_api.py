"""The server's API reference, generated from a live server's /openapi.json.

    python docs/scripts/server_api.py target/debug/scoreline-server DATA_DIR docs/generated

Starts the server on 127.0.0.1 (port 0, read from its "listening on" line),
fitting E0 from DATA_DIR, fetches /openapi.json, stops the server, and writes
OUT/openapi.json and OUT/server-api.md (every route with its parameters,
request body, responses, and every schema as a table of fields). Standard
library only.
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
import time
import urllib.request
from pathlib import Path
from typing import Any

STARTUP_SECONDS = 120


def fetch_openapi(server: str, data_dir: str) -> dict[str, Any]:
    proc = subprocess.Popen(
        [server, "--bind", "127.0.0.1:0", "--data", data_dir, "--log-level", "warn"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        deadline = time.monotonic() + STARTUP_SECONDS
        address = None
        assert proc.stdout is not None
        while time.monotonic() < deadline:
            line = proc.stdout.readline()
            if not line:
                break
            match = re.search(r"listening on (http://\S+)", line)
            if match:
                address = match.group(1)
                break
        if address is None:
            proc.kill()
            _, err = proc.communicate(timeout=10)
            raise SystemExit(f"{server} did not start: {err[-2000:]}")
        with urllib.request.urlopen(f"{address}/openapi.json", timeout=30) as response:
            return json.load(response)
    finally:
        if proc.poll() is None:
            proc.terminate()
            try:
                proc.wait(timeout=30)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()


def ref_name(ref: str) -> str:
    return ref.rsplit("/", 1)[-1]


def type_of(schema: dict[str, Any]) -> str:
    """A short Markdown description of a schema's type, linking named schemas."""
    if "$ref" in schema:
        name = ref_name(schema["$ref"])
        return f"[`{name}`](#{name.lower()})"
    for key in ("oneOf", "anyOf"):
        if key in schema:
            parts = [type_of(s) for s in schema[key]]
            return " or ".join(p for p in parts if p)
    if "allOf" in schema:
        return " and ".join(type_of(s) for s in schema["allOf"])
    kind = schema.get("type", "")
    if isinstance(kind, list):
        kinds = [k for k in kind if k != "null"]
        text = " or ".join(f"`{k}`" for k in kinds) or "`null`"
        if "null" in kind:
            text += " or `null`"
        kind_text = text
    else:
        kind_text = f"`{kind}`" if kind else "any"
    if kind == "array" or (isinstance(kind, list) and "array" in kind):
        items = schema.get("items", {})
        kind_text = f"array of {type_of(items)}"
    if "enum" in schema:
        values = [v for v in schema["enum"] if v is not None]
        if len(values) > 8:
            shown = ", ".join(f"`{v}`" for v in values[:6])
            kind_text += f", one of {len(values)} values ({shown}, …)"
        else:
            kind_text += ", one of " + ", ".join(f"`{v}`" for v in values)
    if "format" in schema:
        kind_text += f" ({schema['format']})"
    bounds = [f"{label} {schema[key]}" for key, label in (("minimum", "≥"), ("maximum", "≤"), ("minItems", "items ≥"), ("maxItems", "items ≤")) if key in schema]
    if bounds:
        kind_text += ", " + ", ".join(bounds)
    return kind_text


def cell(text: str | None) -> str:
    return (text or "").replace("\n", " ").replace("|", "\\|").strip()


def render(spec: dict[str, Any]) -> str:
    info = spec.get("info", {})
    lines = [
        "# Server API reference",
        "",
        (f"Generated when this site was built from the live server's `/openapi.json` "
        f"(OpenAPI {spec.get('openapi', '?')}, {info.get('title', '')} {info.get('version', '')}). "
        "The document itself: [openapi.json](openapi.json). How to run the server: [The server](../server.md)."),
        "",
        cell(info.get("description")),
        "",
        "| method | path | summary |",
        "|---|---|---|",
    ]
    operations = []
    for path, item in spec.get("paths", {}).items():
        for method, op in item.items():
            if method not in {"get", "post", "put", "delete", "patch"}:
                continue
            operations.append((path, method, op))
            anchor = re.sub(r"[^a-z0-9]+", "-", f"{method} {path}".lower()).strip("-")
            lines.append(f"| `{method.upper()}` | [`{path}`](#{anchor}) | {cell(op.get('summary'))} |")
    lines.append("")
    for path, method, op in operations:
        anchor = re.sub(r"[^a-z0-9]+", "-", f"{method} {path}".lower()).strip("-")
        lines += [f"## {method.upper()} {path} {{#{anchor}}}", ""]
        if op.get("description") or op.get("summary"):
            lines += [op.get("description") or op.get("summary"), ""]
        params = op.get("parameters", [])
        if params:
            lines += ["| parameter | in | type | required | description |", "|---|---|---|---|---|"]
            for p in params:
                lines.append(
                    f"| `{p['name']}` | {p.get('in', '')} | {type_of(p.get('schema', {}))} | "
                    f"{'yes' if p.get('required') else 'no'} | {cell(p.get('description'))} |"
                )
            lines.append("")
        body = op.get("requestBody")
        if body:
            for media, content in body.get("content", {}).items():
                lines += [f"**Request body** (`{media}`): {type_of(content.get('schema', {}))}", ""]
        responses = op.get("responses", {})
        if responses:
            lines += ["| status | description | body |", "|---|---|---|"]
            for status, response in responses.items():
                bodies = ", ".join(
                    f"{type_of(c.get('schema', {}))} (`{media}`)" for media, c in response.get("content", {}).items()
                )
                lines.append(f"| {status} | {cell(response.get('description'))} | {bodies} |")
            lines.append("")
    schemas = spec.get("components", {}).get("schemas", {})
    if schemas:
        lines += ["## Schemas", ""]
    for name, schema in schemas.items():
        lines += [f"### {name} {{#{name.lower()}}}", ""]
        if schema.get("description"):
            lines += [cell(schema["description"]), ""]
        props = schema.get("properties")
        if props:
            required = set(schema.get("required", []))
            lines += ["| field | type | required | description |", "|---|---|---|---|"]
            for field, sub in props.items():
                lines.append(
                    f"| `{field}` | {type_of(sub)} | {'yes' if field in required else 'no'} | {cell(sub.get('description'))} |"
                )
            lines.append("")
        else:
            lines += [f"Type: {type_of(schema)}", ""]
    return "\n".join(lines) + "\n"


def main() -> int:
    if len(sys.argv) != 4:
        print(__doc__, file=sys.stderr)
        return 2
    server, data_dir, out = sys.argv[1], sys.argv[2], Path(sys.argv[3])
    spec = fetch_openapi(server, data_dir)
    if not spec.get("paths"):
        print("the server's /openapi.json has no paths", file=sys.stderr)
        return 1
    out.mkdir(parents=True, exist_ok=True)
    (out / "openapi.json").write_text(json.dumps(spec, indent=2), encoding="utf-8")
    (out / "server-api.md").write_text(render(spec), encoding="utf-8")
    print(f"server-api.md: {sum(len(v) for v in spec['paths'].values())} operations, "
          f"{len(spec.get('components', {}).get('schemas', {}))} schemas")
    return 0


if __name__ == "__main__":
    sys.exit(main())
