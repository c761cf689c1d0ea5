"""Bytes on the wire for a first chapter view: the HTML and every stylesheet and script it
links to, fetched as a new visitor's browser does (no cookies, empty cache). The icon a browser
also asks for is listed, outside the total.

Run: .venv/bin/python -m bench.first_view [--slug how-it-works]
Prints one line per encoding (identity, gzip, br) and per file; goal: br <= 16 KB in all.
"""

import argparse
import tempfile
from html.parser import HTMLParser
from pathlib import Path

import httpx

from bench._servers import start_guide, stop

GOAL_BYTES = 16 * 1024


class Assets(HTMLParser):
    """The URLs a browser fetches before the page is complete."""

    def __init__(self) -> None:
        super().__init__()
        self.urls: list[str] = []
        self.icons: list[str] = []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "script" and attrs.get("src"):
            self.urls.append(attrs["src"])
        elif tag == "link" and attrs.get("rel") == "stylesheet" and attrs.get("href"):
            self.urls.append(attrs["href"])
        elif tag == "link" and attrs.get("rel") == "icon" and attrs.get("href"):
            self.icons.append(attrs["href"])


def wire_bytes(response: httpx.Response) -> int:
    """Status line, headers and the body as sent (compressed, if it was)."""
    head = len(f"HTTP/1.1 {response.status_code} {response.reason_phrase}\r\n") + 2
    head += sum(len(k) + len(v) + 4 for k, v in response.headers.raw)
    return head + response.num_bytes_downloaded


def first_view(base_url: str, slug: str, encoding: str) -> tuple[list, list]:
    """(the page and its CSS and JS, the icons): (path, bytes on the wire, encoding) each."""
    with httpx.Client(base_url=base_url, headers={"Accept-Encoding": encoding}) as client:
        page = client.get(f"/chapters/{slug}")
        page.raise_for_status()
        parser = Assets()
        parser.feed(page.text)
        rows = [(page.url.path, wire_bytes(page), page.headers.get("content-encoding", "-"))]
        return rows + fetch(client, parser.urls), fetch(client, parser.icons)


def fetch(client: httpx.Client, urls: list[str]) -> list[tuple[str, int, str]]:
    rows = []
    for url in urls:
        response = client.get(url)
        response.raise_for_status()
        rows.append((url, wire_bytes(response), response.headers.get("content-encoding", "-")))
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--slug", default="how-it-works")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        process, url = start_guide(Path(tmp), workers=1)
        try:
            for encoding in ("identity", "gzip", "br"):
                rows, icons = first_view(url, args.slug, encoding)
                total = sum(size for _, size, _ in rows)
                verdict = "ok" if total <= GOAL_BYTES else "over"
                print(f"{encoding:>8}: {total:7,d} bytes on the wire "
                      f"({total / 1024:.1f} KB, goal {GOAL_BYTES // 1024} KB: {verdict})")
                for path, size, used in rows:
                    print(f"          {size:7,d}  {used:>8}  {path}")
                for path, size, used in icons:
                    print(f"        (+{size:6,d}  {used:>8}  {path}, not counted)")
        finally:
            stop(process)


if __name__ == "__main__":
    main()
