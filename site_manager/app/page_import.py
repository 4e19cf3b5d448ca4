"""Import: upload an IFC model, read its report, then create a site or revise one."""

from __future__ import annotations

import contextlib
import hashlib
import io
import re
import shutil
import tempfile
from pathlib import Path
from typing import Any, BinaryIO

import pandas as pd
import streamlit as st

from site_manager import figures
from site_manager.app import data, state, ui
from site_manager.errors import IfcImportError, SiteManagerError

#: The exporter's area and ours may differ by this much before the report lists the space. [-]
QUANTITY_TOLERANCE = 0.05


#: The uploader's widget key.
UPLOAD_KEY = "import_upload"

#: Bytes copied at a time from an upload to its file on disk. [B]
CHUNK_BYTES = 1 << 20


def upload_limit_mb() -> float:
    """The largest upload the server takes: Streamlit's ``server.maxUploadSize``. [MB]"""
    return float(st.get_option("server.maxUploadSize"))


def upload_digest(upload: BinaryIO) -> str:
    """SHA-256 of an upload, read in chunks (no copy of the whole file)."""
    upload.seek(0)
    digest = hashlib.sha256()
    for chunk in iter(lambda: upload.read(CHUNK_BYTES), b""):
        digest.update(chunk)
    upload.seek(0)
    return digest.hexdigest()


def release_upload(upload: Any, widget_key: str | None = None) -> None:
    """Drop Streamlit's in-memory copies of an upload once it has been read (or refused).

    Streamlit keeps every upload in the server's memory, per session, until the session is
    shut down; a closed browser tab's session is kept for reconnection and then forgotten
    without being shut down (Streamlit 1.5x), so its uploads stayed in memory for good
    (``benchmarks/upload_server_memory.py``: four sessions of 150 MB left the server at
    +538 MB; with this, +394 MB). The file is removed from Streamlit's upload manager, and
    with ``widget_key`` the uploader's value is dropped from the session state too: the
    session state keeps the first value it made of the upload (an ``UploadedFile`` over the
    whole file) and hands each run a deep copy of it, so one 150 MB upload was held twice
    (tracemalloc in the server) until the session ended: +432 MB after four sessions had
    ended; with it +3 MB after four sessions, over a server that has served one visit
    (see docs/dashboard.md). The page keeps the model it
    read instead; the uploader's value is ``None`` from the next run on, and uploading the
    file again reads nothing new (same digest).
    """
    with contextlib.suppress(Exception):  # outside a server (tests, bare mode): nothing held
        from streamlit import runtime
        from streamlit.runtime.scriptrunner import get_script_run_ctx

        ctx = get_script_run_ctx()
        if ctx is not None and runtime.exists():
            manager = runtime.get_instance().uploaded_file_mgr  # the in-memory one by default
            remove = getattr(manager, "remove_file", None)
            if remove is not None:
                remove(ctx.session_id, upload.file_id)
    if widget_key is not None:
        st.session_state.pop(widget_key, None)
    upload.close()


def read_upload(name: str, upload: BinaryIO | bytes, progress: Any) -> Any:
    """Read an uploaded IFC file into a BuildingModel, reporting progress between 0 and 1.

    The upload is copied to a temporary file in chunks of :data:`CHUNK_BYTES` and read from
    there; the file is deleted as soon as the model is read (or not). Messages name the
    file as uploaded (``name``), never the server's temporary copy.
    """
    from site_manager.register import read_site_model

    suffix = Path(name).suffix.lower()
    if suffix not in (".ifc", ".ifczip"):
        raise IfcImportError(
            f"{name}: not an IFC file (.ifc or .ifczip); export the model as IFC and upload that"
        )
    source = io.BytesIO(upload) if isinstance(upload, bytes) else upload
    with tempfile.TemporaryDirectory(prefix="site-manager-upload-") as folder:
        path = Path(folder) / (re.sub(r"[^A-Za-z0-9_.-]+", "_", Path(name).stem) + suffix)
        source.seek(0)
        with path.open("wb") as out:
            shutil.copyfileobj(source, out, CHUNK_BYTES)
        progress(0.1, "Reading the model…")
        try:
            model = read_site_model(  # with its fabric and columns, which the register keeps
                path,
                progress=lambda done, total: progress(
                    0.1 + 0.85 * done / max(total, 1), f"Reading spaces {done}/{total}…"
                ),
            )
        except SiteManagerError as exc:
            # name the file the user uploaded, not the server's temporary copy of it
            text = str(exc).replace(str(path), name).replace(folder, "").replace(path.name, name)
            kind = IfcImportError if isinstance(exc, IfcImportError) else SiteManagerError
            raise kind(text) from None
    progress(1.0, "Done")
    return model


def quantity_disagreements(spaces: pd.DataFrame) -> pd.DataFrame:
    """Spaces whose exporter area differs from ours by more than the tolerance."""
    if "qto_area_m2" not in spaces.columns or spaces.empty:
        return pd.DataFrame(columns=["global_id", "name", "area_m2", "qto_area_m2", "difference"])
    ours, theirs = spaces["area_m2"].astype(float), spaces["qto_area_m2"].astype(float)
    difference = (theirs - ours) / ours.where(ours > 0)
    rows = spaces[difference.abs() > QUANTITY_TOLERANCE].copy()
    rows["difference"] = difference[rows.index].round(3)
    return pd.DataFrame(
        rows[["global_id", "name", "long_name", "storey", "area_m2", "qto_area_m2", "difference"]]
    )


def report(model: Any, name: str) -> None:
    info = model.info
    spaces = model.spaces
    cols = st.columns(5)
    cols[0].metric("Schema", info.schema)
    cols[1].metric("Storeys", f"{len(model.storeys)}")
    cols[2].metric("Spaces", f"{len(spaces)}")
    cols[3].metric("Floor area", f"{model.total_area_m2:,.0f} m²")
    cols[4].metric("Warnings", f"{len(model.warnings)}")
    st.caption(
        ui.text(
            f"{info.application or 'unknown application'} · length unit {info.length_unit_m:g} m"
            f" · project {info.project_name or '–'}"
        )
    )
    if model.warnings:
        with st.expander(f"{len(model.warnings)} warning(s)", expanded=len(model.warnings) <= 10):
            ui.table(
                pd.DataFrame({"warning": model.warnings}), f"{name}_warnings", key="import_warnings"
            )
    disagreements = quantity_disagreements(spaces)
    st.markdown(
        f"**Quantity disagreements** (exporter's area vs. the geometry's, "
        f"> {QUANTITY_TOLERANCE:.0%}): {len(disagreements)}"
    )
    if len(disagreements):
        ui.table(disagreements, f"{name}_quantity_disagreements", key="import_disagreements")
    storeys = (
        [
            s
            for s in model.storeys.sort_values("elevation_m")["name"]
            if (spaces["storey"] == s).any()
        ]
        if len(model.storeys)
        else []
    )
    if storeys:
        storey = st.selectbox("Preview storey", storeys, key="import_storey")
        preview = spaces[spaces["storey"] == storey].copy()
        preview["zone"] = preview["zones"].map(
            lambda z: "; ".join(z) if isinstance(z, list | tuple) and z else None
        )
        ui.figure(
            figures.floor_plan_figure(
                preview,
                color_by="zone" if preview["zone"].notna().any() else "long_name",
                title=storey,
            ),
            f"{name}_{storey}",
            key="import_plan",
        )
    shown = [
        c
        for c in (
            "global_id",
            "name",
            "long_name",
            "storey",
            "area_m2",
            "height_m",
            "volume_m3",
            "area_source",
            "qto_area_m2",
            "zones",
        )
        if c in spaces
    ]
    ui.table(pd.DataFrame(spaces[shown]), f"{name}_spaces", key="import_spaces")


def site_defaults(model: Any, name: str) -> dict[str, str]:
    """The create form's first values for a model: its id from the file name, its name."""
    stem = re.sub(r"[^a-z0-9_]+", "_", Path(name).stem.lower()).strip("_") or "site"
    return {"import_site_id": stem,
            "import_site_name": model.info.project_name or Path(name).stem}  # fmt: skip


def create_form(url: str, model: Any, name: str) -> None:
    from site_manager import register

    defaults = site_defaults(model, name)
    stem = defaults["import_site_id"]
    for key, value in defaults.items():  # the state, not value=: see render()
        st.session_state.setdefault(key, value)
    with st.form("import_create"):
        st.subheader("Create a site")
        site_id = st.text_input("Site id", key="import_site_id")
        site_name = st.text_input("Name", key="import_site_name")
        city = st.text_input("City", key="import_city")
        country = st.text_input("Country", key="import_country")
        allow_empty = False
        if not len(model.spaces):
            st.warning(
                "This model has no spaces (rooms): a site made from it cannot be zoned, let "
                "or analysed. Export the model with its spaces, or create it anyway.",
                icon="⚠️",
            )
            allow_empty = st.checkbox("Create it without spaces", key="import_allow_empty")
        error = st.empty()
        if not st.form_submit_button("Create the site", type="primary"):
            return
    wanted = site_id.strip() or stem
    if wanted in set(data.list_sites(url)["site_id"]):
        error.error(
            ui.text(
                f"A site {wanted!r} is already in the register: to bring this model into it, "
                "use “Revise a site” beside this form; to add a new site, give another id."
            ),
            icon="⚠️",
        )
        return
    try:
        created = register.create_site(
            data.get_engine(url),
            model,
            site_id=site_id.strip() or None,
            name=site_name.strip() or stem,
            city=city,
            country=country,
            allow_empty=allow_empty,
        )
    except SiteManagerError as exc:
        error.error(ui.text(exc), icon="⚠️")
        return
    st.session_state[state.SITE] = created
    state.flash("success", f"Site {created} created from {name} with {len(model.spaces)} spaces.")
    st.rerun()


def revise_form(url: str, model: Any, name: str) -> None:
    from site_manager import register

    sites = data.list_sites(url)
    if sites.empty:
        return
    st.subheader("Revise a site")
    site = st.selectbox("Site to revise", sites["site_id"].tolist(), key="import_revise_site")
    if st.button("Show what would change", key="import_diff"):
        result = register.revise_site(
            data.get_engine(url), model, site=site, dry_run=True, force=True
        )
        st.session_state["import_diff_report"] = (site, result)
    shown = st.session_state.get("import_diff_report")
    if not shown or shown[0] != site:
        return
    result = shown[1]
    st.write(
        f"{result.spaces_matched} of the site's {result.spaces_before} spaces are in this "
        f"model ({result.share_matched:.0%}, matched by GlobalId)."
    )
    for label in ("added", "removed", "changed", "affected_leases"):
        frame = getattr(result, label, None)
        if frame is None:
            continue
        st.markdown(f"**{label.replace('_', ' ').capitalize()}**: {len(frame)}")
        if len(frame):
            ui.table(frame, f"{site}_{label}", key=f"import_{label}")
    force = False
    risky = result.share_matched < register.MIN_SHARE_MATCHED
    if risky:
        leases = result.affected_leases["lease_id"].nunique()
        st.warning(
            f"This model matches under {register.MIN_SHARE_MATCHED:.0%} of the site's spaces: "
            f"is it another building, or a model without rooms? Applying it would remove "
            f"{len(result.removed)} spaces and touch {leases} lease(s).",
            icon="⚠️",
        )
        force = st.checkbox(
            f"Apply anyway: remove {len(result.removed)} spaces", key="import_force"
        )
    # a risky revision can be applied only once the user has ticked "Apply anyway"
    if st.button(
        "Apply the revision", type="primary", key="import_apply", disabled=risky and not force
    ):
        applied = register.revise_site(data.get_engine(url), model, site=site, force=force)
        st.session_state.pop("import_diff_report", None)
        state.flash(
            "success",
            f"Site {site} revised: {len(applied.added)} added, {len(applied.removed)} removed,"
            f" {len(applied.changed)} changed.",
        )
        st.rerun()


@ui.page
def render() -> None:
    st.title("Import a model")
    state.show_flash()
    url = st.session_state[state.DB_URL]
    limit = upload_limit_mb()
    upload = st.file_uploader(
        f"IFC model (.ifc or .ifczip, up to {limit:g} MB)",
        type=["ifc", "ifczip"],
        key=UPLOAD_KEY,
    )
    st.caption(
        f"Files up to {limit:g} MB are taken (the server's limit, `server.maxUploadSize`); "
        "a larger model can be split by building, or imported with `site-manager site create`."
    )
    imported = st.session_state.get(state.IMPORTED)
    if upload is not None:
        if upload.size > limit * 1_000_000:
            release_upload(upload, UPLOAD_KEY)
            st.error(
                f"{upload.name}: {upload.size / 1e6:.3g} MB is over the {limit:g} MB"
                " limit; upload a smaller model or split it by building",
                icon="⚠️",
            )
            return
        digest = upload_digest(upload)
        if imported is None or imported["digest"] != digest:
            st.session_state.pop(state.IMPORTED, None)  # the last model goes before the next
            imported = None
            bar = st.progress(0.0, text="Uploading…")
            try:
                model = read_upload(
                    upload.name,
                    upload,
                    lambda f, text: bar.progress(min(max(f, 0.0), 1.0), text=text),
                )
            finally:
                bar.empty()
                release_upload(upload, UPLOAD_KEY)
            imported = {"name": upload.name, "digest": digest, "model": model}
            st.session_state[state.IMPORTED] = imported
            st.session_state.pop("import_diff_report", None)
            # a new model: the create form starts from its own id and name, not the last
            # one's. Written into the state (not dropped from it): a keyed widget shows the
            # browser's last value unless the state sets a new one
            st.session_state.update(site_defaults(model, upload.name))
        else:
            release_upload(upload, UPLOAD_KEY)  # the same file again: the model is read already
    if imported is None:
        st.info(
            "Upload an IFC model to see its storeys, spaces and warnings"
            " before it goes into the register."
        )
        return
    model, name = imported["model"], imported["name"]
    st.subheader(f"Import report: {ui.text(name)}")
    report(model, name)
    left, right = st.columns(2)
    with left:
        create_form(url, model, name)
    with right:
        revise_form(url, model, name)
