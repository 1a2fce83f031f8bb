"""An app server importing through the import page, as a process to kill.

``python tests/page_import_process.py FILE`` opens the import page (AppTest,
the app's own code in this process, as a served app runs it in its), uploads
FILE as an invoice export, prints ``previewed`` once the preview is shown (a
preview runs the import and rolls it back), then clicks "Importera" and
prints ``imported``. tests/test_fault_killed_import.py kills it with
``kill -9`` between the two; ``DATABASE_URL`` names the database.
"""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from tests.app_pages import open_page


def main(path: Path) -> int:
    app = open_page("pages/import_data.py")
    app.file_uploader(key="upload_invoices").set_value((path.name, path.read_bytes(), "text/csv")).run()
    if app.error or app.exception:
        print(f"preview failed: {[e.value for e in (*app.error, *app.exception)]}", file=sys.stderr)
        return 1
    print("previewed", flush=True)
    app.button(key="run_import").click().run()
    print("imported", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main(Path(sys.argv[1])))
