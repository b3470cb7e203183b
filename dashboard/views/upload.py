"""Bring your own text: upload .txt files or paste text, extracted in the background.

Uploaded documents join the data for this browser only; they are kept in the
server's memory (text and rows), never written to disk. A reload starts a new
Streamlit session, so the uploads are also kept under a random token that a
session cookie names (gone when the browser closes): the reloaded page finds
them again. Extraction runs in a worker thread with a progress bar, so the
page stays responsive.
"""

from __future__ import annotations

import datetime as dt
import secrets
import time
from collections import OrderedDict
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field

import pandas as pd
import streamlit as st
import streamlit.components.v1 as components

from dashboard import data
from dashboard.i18n import label
from extract.read import ReadError, decode

UPLOADS_KEY = "uploads"
TOKEN_KEY = "upload_token"
MESSAGE_KEY = "upload_messages"
PROBLEMS_KEY = "upload_problems"  # files refused or repaired by the decoder
# The app puts here a function: text -> names of the table's documents (and text files)
# containing it, so an upload never takes a name the table already uses.
NAMES_LIKE_KEY = "names_like"


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


COOKIE = "zhibiao_uploads"
KEPT_BROWSERS = 64  # browsers whose uploads the server keeps across reloads, newest kept


@st.cache_resource
def _kept_uploads() -> OrderedDict[str, list[UploadedDoc]]:
    """Token -> uploads, for the whole server; the oldest browser's go first."""
    return OrderedDict()


def uploaded_docs() -> list[UploadedDoc]:
    """Documents added in this browser, oldest first (found again after a reload)."""
    if UPLOADS_KEY not in st.session_state:
        token = st.context.cookies.get(COOKIE)
        st.session_state[UPLOADS_KEY] = list(_kept_uploads().get(token, [])) if token else []
    return st.session_state[UPLOADS_KEY]


def add_documents(new: list[UploadedDoc]) -> None:
    """Add documents after the ones already there, and keep them for a reload."""
    docs = uploaded_docs() + new
    st.session_state[UPLOADS_KEY] = docs
    token = st.session_state.setdefault(TOKEN_KEY, st.context.cookies.get(COOKIE)
                                        or secrets.token_urlsafe(16))
    kept = _kept_uploads()
    kept[token] = docs
    kept.move_to_end(token)
    while len(kept) > KEPT_BROWSERS:
        kept.popitem(last=False)


def remember_browser() -> None:
    """Set the session cookie naming this browser's uploads (once they exist)."""
    token = st.session_state.get(TOKEN_KEY)
    if token and st.context.cookies.get(COOKIE) != token:
        components.html(f"<script>window.parent.document.cookie = "
                        f"'{COOKIE}={token}; path=/; SameSite=Strict';</script>", height=0)


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


UPLOAD_LIMIT_MB = 5  # per file or paste; also .streamlit/config.toml's server.maxUploadSize
JOB_KEY = "upload_job"
TYPICAL_RATE = 150_000.0  # characters per second extracted on a slow core (benchmarks/)


@dataclass
class ExtractionJob:
    """Documents being extracted in a worker thread, and how far it has got.

    The page never waits for it: a fragment polls the job and the next full
    run adds its documents, so a long paste blocks neither this session nor others.
    """

    total_docs: int
    total_chars: int
    future: Future[list[UploadedDoc]] | None = None
    started: float = field(default_factory=time.monotonic)
    done_docs: int = 0
    done_chars: int = 0
    problems: list[str] = field(default_factory=list)  # texts refused or failed on

    def finished(self) -> bool:
        return self.future is not None and self.future.done()

    def estimate(self) -> tuple[float, float]:
        """(share done, seconds left), from the rate so far or a typical one.

        Documents report only when whole, so within one long text the share is
        the characters the rate says should be read by now (kept under 100%).
        """
        elapsed = time.monotonic() - self.started
        rate = self.done_chars / elapsed if self.done_chars and elapsed else TYPICAL_RATE
        read = max(self.done_chars, min(rate * elapsed, self.total_chars))
        return min(read / max(self.total_chars, 1), 0.99), (self.total_chars - read) / rate


@st.cache_resource
def _extraction_pool() -> ThreadPoolExecutor:
    """One small pool for the whole server: uploads queue rather than starve the page."""
    return ThreadPoolExecutor(max_workers=2, thread_name_prefix="zhibiao-extract")


def _over_limit(name: str, size: int, problems: list[str]) -> bool:
    if size <= UPLOAD_LIMIT_MB << 20:
        return False
    problems.append(label("over_limit", name=name, size=size / (1 << 20), limit=UPLOAD_LIMIT_MB))
    return True


def _run_job(job_texts: list[tuple[str, str]], date: dt.date | None,
             extractor: Callable[..., list[dict]], job: ExtractionJob) -> list[UploadedDoc]:
    """Worker thread: extract each text in turn (one failing text is reported, not fatal)."""
    job.started = time.monotonic()  # queued time is not extraction time
    done = []
    for doc, text in job_texts:
        try:
            done.append(extract_document(doc, text, date, extractor))
        except Exception as error:  # one bad document must not cost the others
            job.problems.append(f"{doc}: {type(error).__name__}: {error}")
        job.done_docs += 1
        job.done_chars += len(text)
    return done


def _extract_submitted() -> None:
    """Form callback: decode and name the texts, then hand them to a worker thread."""
    extractor, _ = load_extractor()
    if extractor is None or JOB_KEY in st.session_state:  # one job per session at a time
        return
    files = st.session_state.get("upload_files") or []
    problems: list[str] = []
    texts = [(f.name, text) for f in files if not _over_limit(f.name, f.size, problems)
             and (text := decode_upload(f.name, f.getvalue(), problems)) is not None]
    pasted = st.session_state.get("paste_text") or ""
    name = (st.session_state.get("paste_name") or "").strip() or "pasted.txt"
    if pasted.strip() and not _over_limit(name, len(pasted.encode("utf-8")), problems):
        texts.append((name, pasted))
    names_like: Callable[[str], set[str]] = st.session_state.get(NAMES_LIKE_KEY, lambda _: set())
    taken = {d.doc for d in uploaded_docs()}
    for doc, _ in texts:
        taken |= names_like(doc.rpartition(".")[0] or doc)
    named = []
    for doc, text in texts:
        unique = unique_name(doc, taken)
        taken.add(unique)
        named.append((unique, text))
    if not named:
        st.session_state[PROBLEMS_KEY] = problems
        return
    # Refusals are shown with the job's results, so they stay until it ends.
    job = ExtractionJob(len(named), sum(len(text) for _, text in named), problems=problems)
    job.future = _extraction_pool().submit(_run_job, named, st.session_state.get("upload_date"),
                                           extractor, job)
    st.session_state[JOB_KEY] = job


def collect_finished_job() -> None:
    """Add a finished job's documents to the session; called at the top of every run."""
    job: ExtractionJob | None = st.session_state.get(JOB_KEY)
    if job is None or not job.finished():
        return
    del st.session_state[JOB_KEY]
    problems = st.session_state.setdefault(PROBLEMS_KEY, [])
    problems.extend(job.problems)
    assert job.future is not None
    try:
        added = job.future.result()
    except Exception as error:  # the worker itself failed; say so, keep the session
        problems.append(f"{type(error).__name__}: {error}")
        return
    add_documents(added)
    st.session_state[MESSAGE_KEY] = [f"{d.doc}: {len(d.claims)} {label('claims')}" for d in added]


@st.fragment(run_every=0.5)
def _job_progress() -> None:
    """Progress of the running job; a full rerun when it ends, so its rows show everywhere."""
    job: ExtractionJob | None = st.session_state.get(JOB_KEY)
    if job is None:
        return
    if job.finished():
        st.rerun()
    fraction, remaining = job.estimate()
    st.progress(fraction, text=label("extracting", done=job.done_docs, total=job.total_docs,
                                     chars=job.total_chars, seconds=remaining))


def render_upload() -> None:
    """Upload or paste, pick an optional date, extract, and list what was added."""
    extractor, problem = load_extractor()
    if extractor is None:
        st.warning(f"{label('extractor_missing')}: {problem}")
    with st.form("upload_form"):
        st.file_uploader(label("upload_files"), type=["txt"], accept_multiple_files=True,
                         key="upload_files", help=label("upload_limit", limit=UPLOAD_LIMIT_MB))
        st.text_area(label("paste_text"), height=160, key="paste_text")
        st.text_input(label("paste_name"), value="pasted.txt", key="paste_name")
        st.date_input("文档日期（可选，用于“今年”“去年”） Document date (optional)",
                      value=None, key="upload_date")
        st.caption(label("upload_limit", limit=UPLOAD_LIMIT_MB))
        # One job per session at a time: a second submit would drop the first one's rows.
        st.form_submit_button(label("extract_button"),
                              disabled=extractor is None or JOB_KEY in st.session_state,
                              on_click=_extract_submitted)
    if JOB_KEY in st.session_state:
        _job_progress()
    for message in st.session_state.pop(MESSAGE_KEY, []):
        st.success(message)
    for problem in st.session_state.pop(PROBLEMS_KEY, []):
        st.warning(problem)
    docs = uploaded_docs()
    remember_browser()
    if docs:
        st.markdown(f"**{label('added_docs')}**")
        st.dataframe(pd.DataFrame({
            label("doc"): [d.doc for d in docs],
            label("n_claims"): [len(d.claims) for d in docs],
            "字数 characters": [len(d.text) for d in docs],
        }), hide_index=True)
