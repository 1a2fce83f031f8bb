"""Importera (procurers): finance-system exports, the contract register, the
organisation, the account plan and PEPPOL e-invoices. Nothing is written
until the user has seen the preview and the validation report."""

import streamlit as st
from sqlalchemy.orm import Session

from data_access.core.db import engine_for, session_scope
from data_access.importing.columns import ImportKind
from data_access.importing.errors import ImportRefusedError, ValueProblemError
from data_access.importing.invoices import ImportOptions, InvalidRowsError
from data_access.importing.peppol import read_peppol_files
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
    with_columns,
)
from ui import cached
from ui.importing import (
    batch_table,
    import_result,
    importer_input,
    kind_choice,
    mapping_editor,
    peppol_frame,
    peppol_refusals,
    period_input,
    preview_report,
    remembered,
    show_flash,
    undo_form,
)
from ui.text import md  # messages quote file names, headers and values: shown as text
from ui.widgets import demo_notice

state = cached.data_state()
engine = engine_for(state.url)
st.title("Importera data")
st.write(
    "Läs in leverantörsfakturor från ekonomisystemet, avtalsregistret, organisationen med "
    "kontaktpersoner, kontoplanen eller e-fakturor. Du ser en förhandsgranskning och en "
    "valideringsrapport innan något sparas, och en import av fakturor kan ångras."
)
demo_notice(state)

kind = kind_choice()
upload = st.file_uploader(
    "Fil",
    type=["xml", "zip"] if kind == "peppol" else ["xlsx", "csv", "txt"],
    key=f"upload_{kind}",
    help="Excel (.xlsx) eller CSV (semikolon eller komma, UTF-8 eller Windows-1252).",
)

if upload is not None and kind == "peppol":
    try:
        documents = read_peppol_files(upload.name, upload.getvalue())
    except ImportRefusedError as error:
        st.error(md(error))
    else:
        st.dataframe(peppol_frame(documents), hide_index=True, width="stretch")
        refused, skip_refused = peppol_refusals(documents)
        importer = importer_input()
        if st.button(
            "Importera e-fakturorna",
            type="primary",
            disabled=refused and not skip_refused,
            key="import_peppol",
        ):
            try:
                with session_scope(engine) as session:
                    summary = import_peppol_file(
                        session,
                        upload.name,
                        upload.getvalue(),
                        imported_by=importer or None,
                        skip_invalid=skip_refused,
                    )
            except ImportRefusedError as error:  # as the spreadsheet import below: nothing was written
                st.error(f"{md(error)} Ingenting importerades.")
            else:
                import_result(summary)
                state = cached.data_state()  # the batch list below shows the new batch

elif upload is not None:
    import_kind = ImportKind(kind)
    profiles = cached.profile_names(state, import_kind)
    profile = st.selectbox(
        "Sparad kolumnmappning",
        [None, *profiles],
        format_func=lambda name: name or "Ingen: gissa från rubrikerna",
        key="profile",
    )
    file_key = (upload.file_id, kind, profile)

    def open_upload() -> OpenedFile:
        with Session(engine) as session:
            return open_for_import(
                session, import_kind, upload.name, data=upload.getvalue(), profile_name=profile
            )

    try:
        opened = remembered("opened", file_key, open_upload)
    except ImportRefusedError as error:
        st.error(md(error))
        st.stop()
    columns = mapping_editor(opened.mapping, key_prefix=f"map_{kind}_{upload.file_id}")
    period = None
    if import_kind == ImportKind.INVOICES and columns.get("date") is None:
        period = period_input()

    def validate() -> FilePreview:
        with Session(engine) as session:
            return preview_import(session, opened, ImportOptions(period=period))

    try:
        opened = with_columns(opened, columns)
        # A million-row file takes seconds to validate: only again when the file,
        # the mapping or the period changed, not on every click.
        preview = remembered("preview", (*file_key, tuple(sorted(columns.items())), period), validate)
    except (ImportRefusedError, ValueProblemError) as error:
        st.error(md(error))
        st.stop()
    preview_report(preview)
    if preview.summary.problems:
        st.download_button(
            "Ladda ner valideringsrapporten (Excel)",
            lambda: problems_workbook(preview),  # built when clicked: 50 000 rows take seconds
            file_name=f"valideringsrapport-{upload.name.rsplit('.', 1)[0]}.xlsx",
            mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            key="report",
        )
    has_errors = any(problem.severity.value == "fel" for problem in preview.summary.problems)
    skip_invalid = False
    if has_errors:
        skip_invalid = st.checkbox(
            "Importera de giltiga raderna och hoppa över raderna med fel", key="skip_invalid"
        )
    with st.expander("Spara kolumnmappningen till nästa gång"):
        profile_name = st.text_input("Namn", key="profile_name", placeholder="Raindance, leverantörsfakturor")
        if st.button("Spara mappningen", key="save_profile"):
            try:
                with session_scope(engine) as session:
                    save_profile(session, profile_name, import_kind, opened.mapping.as_profile())
                st.success(f"Mappningen {md(repr(profile_name))} är sparad.")
            except ValueError as error:
                st.error(md(error))
    importer = importer_input()
    blocked = has_errors and not skip_invalid
    if st.button(
        "Importera",
        type="primary",
        disabled=blocked or (preview.needs_period and not period),
        key="run_import",
    ):
        bar = st.progress(0.0, text="Importerar …")
        total = max(preview.summary.rows_read, 1)
        try:
            with session_scope(engine) as session:
                summary = import_file(
                    session,
                    opened,
                    ImportOptions(
                        period=period,
                        skip_invalid=skip_invalid,
                        profile_name=profile,
                        imported_by=importer or None,
                    ),
                    progress=lambda done, text: bar.progress(min(done / total, 0.99), text=text),
                )
        except (InvalidRowsError, InvalidRegisterRowsError, ImportRefusedError) as error:
            bar.empty()
            st.error(f"{md(error)} Ingenting importerades.")
        else:
            bar.progress(1.0, text="Klart")
            import_result(summary)
            state = cached.data_state()

st.divider()
st.subheader("Importer")
show_flash()
listing = cached.batch_listing(state)
batch_table(listing)
undo_form(listing, state.url)
