"""The import page's two flows, from an uploaded file to a stored batch:
PEPPOL e-invoices, and the spreadsheets (invoices, the contract register,
the organisation, the account plan).

Nothing is written until the user has seen the preview and the validation
report and clicked to import; a file with rows in error imports only when
the user chose to skip them. Every step runs through ``run_command`` as the
signed-in viewer, who must be allowed to import and is recorded as who
imported. Messages quote file names, headers and values: shown through ``md``.
"""

from __future__ import annotations

import streamlit as st
from streamlit.runtime.uploaded_file_manager import UploadedFile

from data_access.access.roles import Permission
from data_access.access.viewer import Viewer
from data_access.importing.columns import ImportKind
from data_access.importing.errors import ImportRefusedError, ValueProblemError
from data_access.importing.invoices import ImportOptions, InvalidRowsError
from data_access.importing.profiles import save_profile
from data_access.importing.registers import InvalidRegisterRowsError
from data_access.importing.service import (
    FilePreview,
    OpenedFile,
    import_file,
    import_peppol_file,
    open_for_import,
    preview_import,
    problems_workbook,
    read_peppol_upload,
    with_columns,
)
from ui import cached
from ui.cached import DataState
from ui.commands import run_command
from ui.importing import (
    import_result,
    importer_note,
    mapping_editor,
    peppol_frame,
    peppol_refusals,
    period_input,
    preview_report,
    remembered,
)
from ui.signed_in import require_viewer
from ui.text import md

XLSX_MIME = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def upload_input(kind: str) -> UploadedFile | None:
    """The file, of the types ``kind`` is read from."""
    return st.file_uploader(
        "Fil",
        type=["xml", "zip"] if kind == "peppol" else ["xlsx", "csv", "txt"],
        key=f"upload_{kind}",
        help="Excel (.xlsx) eller CSV (semikolon eller komma, UTF-8 eller Windows-1252).",
    )


def peppol_import(state: DataState, upload: UploadedFile) -> bool:
    """The e-invoices of an .xml or .zip, the ones that cannot be imported
    and why, and the import. True when a batch was stored."""
    viewer = require_viewer(Permission.IMPORT_DATA)
    try:
        documents = run_command(state, read_peppol_upload, upload.name, upload.getvalue(), acting=viewer)
    except ImportRefusedError as error:
        st.error(md(error))
        return False
    st.dataframe(peppol_frame(documents), hide_index=True, width="stretch")
    refused, skip_refused = peppol_refusals(documents)
    importer_note(viewer)
    if not st.button(
        "Importera e-fakturorna",
        type="primary",
        disabled=refused and not skip_refused,
        key="import_peppol",
    ):
        return False
    try:
        summary = run_command(
            state,
            import_peppol_file,
            upload.name,
            upload.getvalue(),
            skip_invalid=skip_refused,
            acting=viewer,
        )
    except ImportRefusedError as error:  # as the spreadsheet import: nothing was written
        st.error(f"{md(error)} Ingenting importerades.")
        return False
    import_result(summary)
    return True


def spreadsheet_import(state: DataState, upload: UploadedFile, kind: str) -> bool:
    """A spreadsheet from its saved or guessed column mapping through the
    preview and the validation report to the import. True when a batch was
    stored. Opening and validating run again only when the file, the mapping
    or the period changed: a million-row file takes seconds."""
    viewer = require_viewer(Permission.IMPORT_DATA)
    import_kind = ImportKind(kind)
    profile = st.selectbox(
        "Sparad kolumnmappning",
        [None, *cached.profile_names(state, import_kind)],
        format_func=lambda name: name or "Ingen: gissa från rubrikerna",
        key="profile",
    )
    file_key = (upload.file_id, kind, profile)
    try:
        opened = remembered(
            "opened",
            file_key,
            lambda: run_command(
                state,
                open_for_import,
                import_kind,
                upload.name,
                data=upload.getvalue(),
                profile_name=profile,
                acting=viewer,
            ),
        )
    except ImportRefusedError as error:
        st.error(md(error))
        st.stop()
    columns = mapping_editor(opened.mapping, key_prefix=f"map_{kind}_{upload.file_id}")
    period = None
    if import_kind == ImportKind.INVOICES and columns.get("date") is None:
        period = period_input()
    try:
        opened = with_columns(opened, columns)
        preview = remembered(
            "preview",
            (*file_key, tuple(sorted(columns.items())), period),
            lambda: run_command(state, preview_import, opened, ImportOptions(period=period), acting=viewer),
        )
    except (ImportRefusedError, ValueProblemError) as error:
        st.error(md(error))
        st.stop()
    preview_report(preview)
    if preview.summary.problems:
        st.download_button(
            "Ladda ner valideringsrapporten (Excel)",
            lambda: problems_workbook(preview),  # built when clicked: 50 000 rows take seconds
            file_name=f"valideringsrapport-{upload.name.rsplit('.', 1)[0]}.xlsx",
            mime=XLSX_MIME,
            key="report",
        )
    has_errors = any(problem.severity.value == "fel" for problem in preview.summary.problems)
    skip_invalid = has_errors and st.checkbox(
        "Importera de giltiga raderna och hoppa över raderna med fel", key="skip_invalid"
    )
    profile_form(state, opened, import_kind, viewer)
    importer_note(viewer)
    if not st.button(
        "Importera",
        type="primary",
        disabled=(has_errors and not skip_invalid) or (preview.needs_period and not period),
        key="run_import",
    ):
        return False
    options = ImportOptions(period=period, skip_invalid=skip_invalid, profile_name=profile)
    return _run_import(state, preview, opened, options, viewer)


def profile_form(state: DataState, opened: OpenedFile, import_kind: ImportKind, viewer: Viewer) -> None:
    """Save the mapping as corrected, under a name, for the next file."""
    with st.expander("Spara kolumnmappningen till nästa gång"):
        profile_name = st.text_input("Namn", key="profile_name", placeholder="Raindance, leverantörsfakturor")
        if st.button("Spara mappningen", key="save_profile"):
            try:
                run_command(
                    state, save_profile, profile_name, import_kind, opened.mapping.as_profile(), acting=viewer
                )
                st.success(f"Mappningen {md(repr(profile_name))} är sparad.")
            except ValueError as error:
                st.error(md(error))


def _run_import(
    state: DataState, preview: FilePreview, opened: OpenedFile, options: ImportOptions, viewer: Viewer
) -> bool:
    """The import with a progress bar; what it stored, or why nothing."""
    bar = st.progress(0.0, text="Importerar …")
    total = max(preview.summary.rows_read, 1)
    try:
        summary = run_command(
            state,
            import_file,
            opened,
            options,
            progress=lambda done, text: bar.progress(min(done / total, 0.99), text=text),
            acting=viewer,
        )
    except (InvalidRowsError, InvalidRegisterRowsError, ImportRefusedError) as error:
        bar.empty()
        st.error(f"{md(error)} Ingenting importerades.")
        return False
    bar.progress(1.0, text="Klart")
    import_result(summary)
    return True
