# The two commands of the README: `make run` and `make test`.
.PHONY: run test setup models ingest serve eval eval-archive bench clean

export HF_HUB_OFFLINE := 1
export TRANSFORMERS_OFFLINE := 1
export GRADIO_ANALYTICS_ENABLED := False
export TOKENIZERS_PARALLELISM := false

run: setup ingest serve

setup:
	@bash scripts/setup.sh

models:
	@.venv/bin/rag models fetch

ingest:
	@.venv/bin/rag ingest seeds

serve:
	@.venv/bin/rag serve

test:
	@WITH_BROWSER=1 bash scripts/setup.sh
	@.venv/bin/python -m pytest -q -ra
	@.venv/bin/rag eval --llm $${RAG_EVAL_LLM:-6} --baseline-llm $${RAG_EVAL_BASELINE_LLM:-2} --squad --squad-sample 200 --squad2 --squad2-sample 100 --archive --archive-llm $${RAG_EVAL_ARCHIVE_LLM:-3}

eval: setup
	@.venv/bin/rag eval --llm $${RAG_EVAL_LLM:-6} --baseline-llm $${RAG_EVAL_BASELINE_LLM:-2} --squad --squad-sample 200 --squad2

eval-archive: setup  # the archive questions on the whole archive (878 uk-news articles + seeds, ~16k chunks; ~40 min to ingest once)
	@.venv/bin/python -m evals.archive.run --whole --llm $${RAG_EVAL_ARCHIVE_LLM:-0}

bench: setup
	@.venv/bin/python -m bench.ingest
	@.venv/bin/python -m bench.retrieval

clean:
	rm -rf .rag/qdrant evals/report tests/output
