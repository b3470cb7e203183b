"""Bring your own text: upload .txt files or paste text, extracted on the spot.

Uploaded documents join the data for this browser session only; they are kept
in session state (text and rows) and never written to disk.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass

import pandas as pd
import streamlit as st

from dashboard import data
from dashboard.i18n import label
from extract.read import ReadError, decode

UPLOADS_KEY = "uploads"
MESSAGE_KEY = "upload_messages"
PROBLEMS_KEY = "upload_problems"  # files refused or repaired by the decoder
BUNDLED_KEY = "bundled_docs"  # names of the documents in the opened table


@dataclass(frozen=True)
class UploadedDoc:
    """One user document: its name, text, the date given, and what was extracted."""

    doc: str
    text: str
    date: dt.date | None
    claims: pd.DataFrame


def load_extractor() -> tuple[Callable[..., list[dict]] | None, str | None]:
    """The extractor's text API, or None and the reason it cannot be imported."""
    try:
        from extract import extract_text
    except ImportError as error:  # the extractor is developed alongside; say why
        return None, str(error)
    return extract_text, None


def decode_upload(name: str, data_bytes: bytes, problems: list[str]) -> str | None:
    """The upload's text by the extractor's decoder; a refusal or repair is noted for the user."""
    try:
        decoded = decode(data_bytes)
    except ReadError as error:
        problems.append(f"{name}: {error}")
        return None
    problems.extend(f"{name}: {warning}" for warning in decoded.warnings)
    return decoded.text


def extract_document(doc: str, text: str, date: dt.date | None,
                     extractor: Callable[..., list[dict]]) -> UploadedDoc:
    """Run the extractor on one text and keep its rows with the text."""
    records = extractor(text, doc, date)
    return UploadedDoc(doc, text, date, data.rows_from_records(records))


def uploaded_docs() -> list[UploadedDoc]:
    """Documents added in this session, oldest first."""
    return st.session_state.setdefault(UPLOADS_KEY, [])


def add_documents(new: list[UploadedDoc]) -> None:
    """Add documents to the session after the ones already there."""
    st.session_state[UPLOADS_KEY] = uploaded_docs() + new


def unique_name(name: str, taken: set[str]) -> str:
    """`name`, or name-2.txt, name-3.txt … when a bundled or earlier document has it.

    A second paste under the default name, or an upload named like a bundled
    document, must not take over the other's claims and highlighted text.
    """
    stem, dot, suffix = name.rpartition(".") if "." in name else (name, "", "")
    candidate, number = name, 1
    while candidate in taken:
        number += 1
        candidate = f"{stem}-{number}{dot}{suffix}"
    return candidate


def _extract_submitted() -> None:
    """Form callback: runs before the page, so new rows show on this very rerun."""
    extractor, _ = load_extractor()
    if extractor is None:
        return
    files = st.session_state.get("upload_files") or []
    problems: list[str] = []
    texts = [(f.name, text) for f in files
             if (text := decode_upload(f.name, f.getvalue(), problems)) is not None]
    st.session_state[PROBLEMS_KEY] = problems
    pasted = st.session_state.get("paste_text") or ""
    if pasted.strip():
        texts.append(((st.session_state.get("paste_name") or "").strip() or "pasted.txt", pasted))
    date = st.session_state.get("upload_date")
    taken = set(st.session_state.get(BUNDLED_KEY, ())) | {d.doc for d in uploaded_docs()}
    added = []
    for doc, text in texts:
        name = unique_name(doc, taken)
        taken.add(name)
        added.append(extract_document(name, text, date, extractor))
    add_documents(added)
    st.session_state[MESSAGE_KEY] = [f"{d.doc}: {len(d.claims)} {label('claims')}" for d in added]


def render_upload() -> None:
    """Upload or paste, pick an optional date, extract, and list what was added."""
    extractor, problem = load_extractor()
    if extractor is None:
        st.warning(f"{label('extractor_missing')}: {problem}")
    with st.form("upload_form"):
        st.file_uploader(label("upload_files"), type=["txt"], accept_multiple_files=True,
                         key="upload_files")
        st.text_area(label("paste_text"), height=160, key="paste_text")
        st.text_input(label("paste_name"), value="pasted.txt", key="paste_name")
        st.date_input("文档日期（可选，用于“今年”“去年”） Document date (optional)",
                      value=None, key="upload_date")
        st.form_submit_button(label("extract_button"), disabled=extractor is None,
                              on_click=_extract_submitted)
    for message in st.session_state.pop(MESSAGE_KEY, []):
        st.success(message)
    for problem in st.session_state.pop(PROBLEMS_KEY, []):
        st.warning(problem)
    docs = uploaded_docs()
    if docs:
        st.markdown(f"**{label('added_docs')}**")
        st.dataframe(pd.DataFrame({
            label("doc"): [d.doc for d in docs],
            label("n_claims"): [len(d.claims) for d in docs],
            "字数 characters": [len(d.text) for d in docs],
        }), hide_index=True)
