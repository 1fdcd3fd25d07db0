"""The Gradio chat: a thin layer over ``rag.service.RagService``; no retrieval or prompting here."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any, Iterator

import gradio as gr

from rag.errors import RagError
from rag.gloss import needs_gloss
from rag.followup import contextualise
from rag.service import Done, RagService, Status, Token
from rag.settings import Settings
from rag.types import Citation
from ui.render import (CITATION_CLICKS, CSS, answer_markdown, article_view, chat_answer, escape_chat, gloss_box,
                       source_cards, unlink_markers)

SCROLL_TO_QUOTE = "() => { setTimeout(() => document.querySelector('#rag-quote')?.scrollIntoView({block: 'center'}), 50); }"


def _citation_choices(answer: dict[str, Any] | None) -> list[tuple[str, int]]:
    if not answer:
        return []
    items = answer.get("citations") or answer.get("related") or []
    return [(f"[{c['n']}] {c['source']}", int(c["n"])) for c in items]


def _unlinked(message: dict[str, Any]) -> dict[str, Any]:
    """A chat message with its marker links made plain (content as text or as Gradio's text parts)."""
    content = message.get("content")
    if message.get("role") != "assistant":
        return message
    if isinstance(content, str):
        return {**message, "content": unlink_markers(content)}
    if isinstance(content, list):
        parts = [{**p, "text": unlink_markers(p["text"])} if isinstance(p, dict) and isinstance(p.get("text"), str)
                 else p for p in content]
        return {**message, "content": parts}
    return message


def build_app(service: RagService) -> gr.Blocks:
    settings = service.settings

    def texts_for(answer: dict[str, Any], collection: str) -> tuple[dict, dict, dict]:
        """Text, date and sentence spans of the cited articles only (not a scan of the collection)."""
        sources = {c["source"] for c in (answer.get("citations") or []) + (answer.get("related") or [])}
        records = {s: service.article(s, collection) for s in sources}
        sentences = {s: service.article_sentences(s, collection) for s in sources}
        texts = {s: text for s, (text, _) in sentences.items()}
        meta = {s: {"date": r.dates[0] if r is not None and r.dates else ""} for s, r in records.items()}
        spans = {s: spans for s, (_, spans) in sentences.items()}
        return texts, meta, spans

    def ask(message: str, history: list[dict[str, Any]], questions: list[str], previous: dict[str, Any] | None,
            collection: str, use_llm: bool, n_sources: float = settings.evidence_k,
            answer_language: str = "auto") -> Iterator[tuple]:
        history = list(history or [])
        questions = list(questions or [])
        # a follow-up stays with the articles the previous answer cited
        cited = [Citation.from_dict(c) for c in (previous or {}).get("citations") or []]
        question = contextualise(questions, message or "", [c.source for c in cited], cited)
        history.append({"role": "user", "content": escape_chat(message or "")})
        if question.is_follow_up:
            history.append({"role": "assistant", "content": escape_chat(f"(asking: {question.text})"),
                            "metadata": {"title": "Follow-up rewritten"}})
        history.append({"role": "assistant", "content": "…"})
        yield history, gr.update(), questions, None, gr.update(), "", None
        streamed = ""
        try:
            language = None if answer_language == "auto" else answer_language
            for event in service.ask_stream(question, collection, use_llm=use_llm, evidence_k=int(n_sources),
                                            language=language):
                if isinstance(event, Status):  # under what is already shown (the quotes while they are glossed)
                    shown = f"{streamed}\n\n{event.text} …" if streamed else event.text + " …"
                    history[-1] = {"role": "assistant", "content": escape_chat(shown)}
                    yield history, gr.update(), questions, None, gr.update(), "", None
                elif isinstance(event, Token):
                    streamed += event.text
                    history[-1] = {"role": "assistant", "content": escape_chat(streamed)}
                    yield history, gr.update(), questions, None, gr.update(), "", None
                elif isinstance(event, Done):
                    answer = event.answer.to_dict()
                    text = answer["answer"]
                    if answer.get("notice") and not answer["abstained"]:
                        text += f"\n\n({answer['notice']})"
                    # only the latest answer's markers open sources: the panel lists its citations
                    history = [_unlinked(m) for m in history[:-1]]
                    numbers = [c["n"] for c in answer["citations"]]
                    history.append({"role": "assistant", "content": chat_answer(text, numbers)})
                    questions.append(question.text)
                    texts, meta, spans = texts_for(answer, collection)
                    choices = _citation_choices(answer)
                    yield (history, source_cards(answer, texts, meta, spans), questions, answer,
                           gr.update(choices=choices, value=None), answer_markdown(answer), answer)
        except RagError as exc:
            history[-1] = {"role": "assistant", "content": escape_chat(f"Error: {exc}")}
            yield history, gr.update(), questions, None, gr.update(), "", {"error": str(exc)}

    def _picked(n: int | None, answer: dict[str, Any] | None) -> dict[str, Any] | None:
        items = (answer.get("citations") or answer.get("related") or []) if answer else []
        return next((c for c in items if n is not None and int(c["n"]) == int(n)), None)

    def _wants_gloss(c: dict[str, Any], answer: dict[str, Any]) -> bool:
        """An English reader opening a Ukrainian quote, with a model to translate it (asked for
        only when a citation is opened, so answers never wait for translations)."""
        return answer.get("language") == "en" and needs_gloss(c["quote"]) and (bool(c.get("gloss"))
                                                                             or service.llm() is not None)

    def open_citation(n: int | None, answer: dict[str, Any] | None, collection: str) -> tuple[str, str]:
        c = _picked(n, answer)
        if c is None:
            return "", ""
        text, spans = service.article_sentences(c["source"], collection)
        view = article_view(c["source"], c.get("title", ""), text, spans, c["start"], c["end"])
        pending = gloss_box(c["n"], c["quote"], None, service.llm_status(), pending=True)
        return view, pending if _wants_gloss(c, answer) else ""

    def translate_citation(n: int | None, answer: dict[str, Any] | None) -> str:
        """The English gloss under a Ukrainian quote, for a question asked in English."""
        c = _picked(n, answer)
        if c is None or not _wants_gloss(c, answer):
            return ""
        return gloss_box(c["n"], c["quote"], c.get("gloss") or service.gloss(c["quote"], answer["question"]),
                         service.llm_status())

    def clear() -> tuple:
        return [], "", [], None, gr.update(choices=[], value=None), "", None, "", ""

    def list_articles(collection: str) -> list[list[Any]]:
        try:
            return [[r.source, r.title, r.dates[0] if r.dates else "", r.chunk_count,
                     "quarantined: " + ", ".join(r.quarantined) if r.quarantined else ""]
                    for r in service.articles(collection)]
        except RagError:
            return []

    def upload(files: list[str] | None, collection: str) -> Iterator[tuple]:
        if not files:
            yield "No files chosen.", list_articles(collection), gr.update()
            return
        lines: list[str] = []
        named = [(Path(f), Path(f).name) for f in files]
        for i, (path, name) in enumerate(named, 1):
            yield f"{i - 1}/{len(named)} done…\n" + "\n".join(lines), gr.update(), gr.update()
            try:
                result = service.ingest_named([(path, name)], collection)[0]
                lines.append(result.line())
            except RagError as exc:
                lines.append(f"rejected  {name}: {exc}")
        records = list_articles(collection)
        yield f"{len(named)}/{len(named)} done.\n" + "\n".join(lines), records, gr.update(choices=[r[0] for r in records])

    def remove(source: str | None, collection: str) -> tuple:
        if not source:
            return "Choose an article to remove.", list_articles(collection), gr.update()
        removed = service.remove(source, collection)
        records = list_articles(collection)
        return (f"removed {source}" if removed else f"not found: {source}"), records, gr.update(
            choices=[r[0] for r in records], value=None)

    def collections() -> list[str]:
        return sorted(set(service.collections()) | {settings.collection})

    with gr.Blocks(title="News archive Q&A") as app:
        questions_state = gr.State([])
        answer_state = gr.State(None)
        gr.Markdown("## News archive Q&A\nAsk in English or Ukrainian. Every claim cites a verbatim quote; "
                    "click a marker like [1] or a source card to see the quote in its article.")
        with gr.Tab("Ask"):
            with gr.Row():
                with gr.Column(scale=3):
                    chatbot = gr.Chatbot(label="Chat", height=460, sanitize_html=True, render_markdown=True,
                                         allow_tags=False, elem_id="chat")
                    with gr.Row():
                        box = gr.Textbox(placeholder="What did Austin and Umerov discuss?", show_label=False,
                                         scale=5, elem_id="question")
                        send = gr.Button("Ask", variant="primary", scale=1, elem_id="ask")
                    with gr.Row():
                        clear_btn = gr.Button("New chat", size="sm")
                    markdown_out = gr.Textbox(label="Answer with citations (Markdown)", lines=3, buttons=["copy"],
                                              elem_id="markdown")
                    with gr.Accordion("Answer as JSON", open=False):
                        answer_json = gr.JSON(elem_id="answer-json")
                with gr.Column(scale=2):
                    pick = gr.Radio(label="Open a source in its article", choices=[], elem_id="citations")
                    sources = gr.HTML(elem_id="sources")
            gloss = gr.HTML(elem_id="gloss")
            article = gr.HTML(elem_id="article-view")
            with gr.Accordion("Settings", open=False):
                collection = gr.Dropdown(choices=collections(), value=settings.collection, label="Collection",
                                         allow_custom_value=True)
                use_llm = gr.Checkbox(value=settings.answer_mode == "llm",
                                      label=f"Write the answer with the language model ({settings.llm}); "
                                            "unticked: the quotes themselves")
                n_sources = gr.Slider(2, 10, value=settings.evidence_k, step=1,
                                      label="Passages given to the language model (more: fuller answers, slower start)")
                answer_language = gr.Radio([("auto (the question's)", "auto"), ("English", "en"), ("Українська", "uk")],
                                           value="auto", label="Answer language")
                gr.Markdown(f"Embedder: `{service.embedder.id}` · LLM: `{service.llm_status()}` · "
                            f"Store: `{service.backend.kind}`")
        with gr.Tab("Articles"):
            table = gr.Dataframe(headers=["source", "title", "date", "chunks", "flag"], value=list_articles(settings.collection),
                                 interactive=False, elem_id="articles")
            files = gr.File(file_count="multiple", file_types=[".txt", ".md", ".html", ".htm"], label="Add articles")
            add_btn = gr.Button("Ingest files", elem_id="ingest")
            report = gr.Textbox(label="Result per file", lines=6, elem_id="ingest-report")
            with gr.Row():
                to_remove = gr.Dropdown(choices=[r[0] for r in list_articles(settings.collection)], label="Article")
                remove_btn = gr.Button("Remove article", variant="stop")

        outputs = [chatbot, sources, questions_state, answer_state, pick, markdown_out, answer_json]
        inputs = [box, chatbot, questions_state, answer_state, collection, use_llm, n_sources, answer_language]
        send.click(ask, inputs, outputs, api_name="ask", concurrency_id="ask").then(lambda: "", None, box, api_name=False)
        box.submit(ask, inputs, outputs, api_name=False, concurrency_id="ask").then(lambda: "", None, box, api_name=False)
        pick.change(open_citation, [pick, answer_state, collection], [article, gloss],
                    api_name="open_citation").then(None, None, None, js=SCROLL_TO_QUOTE, api_name=False).then(
            translate_citation, [pick, answer_state], gloss, api_name="translate_citation", concurrency_id="ask")
        clear_btn.click(clear, None, outputs + [article, gloss], api_name=False)
        add_btn.click(upload, [files, collection], [report, table, to_remove], api_name="upload", concurrency_id="ingest")
        remove_btn.click(remove, [to_remove, collection], [report, table, to_remove], api_name="remove")
        collection.change(list_articles, collection, table, api_name=False)
    return app


def serve(settings: Settings | None = None, host: str | None = None, port: int | None = None,
          block: bool = True) -> gr.Blocks:
    """Load the models, then serve the chat on ``host:port`` (127.0.0.1:7860 by default)."""
    os.environ.setdefault("GRADIO_ANALYTICS_ENABLED", "False")
    settings = settings or Settings.from_env()
    service = RagService(settings)
    _ = service.embedder  # load once, before the first user waits
    service.llm()
    app = build_app(service)
    app.queue(default_concurrency_limit=settings.concurrency)
    print(f"serving on http://{host or settings.host}:{port or settings.port}", flush=True)
    app.launch(server_name=host or settings.host, server_port=port or settings.port, prevent_thread_lock=not block,
               show_error=False, css=CSS, js=CITATION_CLICKS, footer_links=["api"], quiet=True)
    return app
