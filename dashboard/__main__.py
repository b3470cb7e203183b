"""Open the dashboard: `python -m dashboard [--data PATH] [Streamlit options]`.

`--data PATH` (a store, CSV, Parquet or JSONL table) is the app's own
option; anything else (`--server.port 8502`, `--server.headless true`) goes to
Streamlit. The package is installed, so the app imports it without touching
sys.path.
"""

from __future__ import annotations

import sys
from pathlib import Path


def split_args(args: list[str]) -> tuple[list[str], list[str]]:
    """(Streamlit's options, the app's options) from one command line."""
    streamlit_args: list[str] = []
    app_args: list[str] = []
    rest = iter(args)
    for arg in rest:
        if arg == "--data":
            app_args += [arg, next(rest, "")]
        elif arg.startswith("--data="):
            app_args.append(arg)
        else:
            streamlit_args.append(arg)
    return streamlit_args, app_args


def main() -> int:
    """Run `streamlit run dashboard/app.py` with the options split as above."""
    from streamlit.web import cli

    streamlit_args, app_args = split_args(sys.argv[1:])
    app = Path(__file__).with_name("app.py")
    sys.argv = ["streamlit", "run", str(app), *streamlit_args, *(["--", *app_args] if app_args
                                                                 else [])]
    return cli.main()


if __name__ == "__main__":
    sys.exit(main())
