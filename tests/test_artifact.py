"""classifier.artifact: saving and loading model files, refusals, version warnings, describe."""

from __future__ import annotations

import hashlib
import json
import os
import pickle

import joblib
import numpy as np
import pytest
import sklearn

from classifier import artifact
from classifier.artifact import (
    BUNDLED_MODEL, FORMAT, FORMAT_VERSION, default_model_path, describe, digest_path, format_description, load,
    save,
)
from classifier.errors import ArtifactError, ClaimtagError, NoInputError, OutputError, UntrustedError
from classifier.model import Model
from classifier.tags import TAGS

from conftest import make_labeled, warning_messages

PROBE = make_labeled().texts[:7] + ["The rebels accused the army of shelling the hospital."]


@pytest.fixture
def saved(tmp_path, synthetic_model):
    return save(synthetic_model, tmp_path / "model.joblib")


def payload(model, **changes):
    """The dict save() writes, with some entries changed."""
    return {"format": FORMAT, "format_version": FORMAT_VERSION, "metadata": model.metadata,
            "pipeline": model.pipeline} | changes


def sign(path):
    """Write the digest file save() would have written beside a hand-made artifact."""
    digest = hashlib.sha256(path.read_bytes()).hexdigest()
    digest_path(path).write_text(f"{digest}  {path.name}\n", encoding="utf-8")


# --- round trip ---------------------------------------------------------------------------------


def test_save_then_load_gives_the_same_model(tmp_path, synthetic_model):
    path = tmp_path / "model.joblib"
    assert save(synthetic_model, path) == path
    loaded = load(path)
    assert isinstance(loaded, Model)
    assert loaded.tags == synthetic_model.tags == list(TAGS)
    assert loaded.thresholds == synthetic_model.thresholds
    assert loaded.metadata == synthetic_model.metadata
    assert loaded.predict(PROBE) == synthetic_model.predict(PROBE)
    np.testing.assert_array_equal(loaded.scores(PROBE), synthetic_model.scores(PROBE))


def test_load_accepts_a_string_path(saved, synthetic_model):
    assert load(str(saved)).thresholds == synthetic_model.thresholds


def test_loading_an_artifact_of_this_environment_does_not_warn(saved, claimtag_log):
    load(saved)
    assert warning_messages(claimtag_log) == []


def test_save_leaves_no_temporary_file(tmp_path, synthetic_model):
    save(synthetic_model, tmp_path / "model.joblib")
    save(synthetic_model, tmp_path / "model.joblib", force=True)
    assert sorted(os.listdir(tmp_path)) == ["model.joblib", "model.joblib.sha256"]


# --- overwriting --------------------------------------------------------------------------------


def test_save_refuses_to_overwrite_without_force(tmp_path, synthetic_model):
    path = tmp_path / "model.joblib"
    path.write_bytes(b"an older model")
    with pytest.raises(OutputError) as error:
        save(synthetic_model, path)
    assert error.value.exit_code == 73
    assert error.value.message.startswith(str(path))
    assert "--force" in error.value.message
    assert path.read_bytes() == b"an older model"
    assert os.listdir(tmp_path) == ["model.joblib"]


def test_save_with_force_replaces_the_file(saved, synthetic_model):
    saved.write_bytes(b"an older model")
    save(synthetic_model, saved, force=True)
    assert saved.read_bytes() != b"an older model"
    assert load(saved).thresholds == synthetic_model.thresholds


def test_a_failed_save_keeps_the_old_file_and_leaves_no_temporary_file(tmp_path, synthetic_model):
    path = tmp_path / "model.joblib"
    path.write_bytes(b"an older model")
    unpicklable = Model(synthetic_model.pipeline, {"callback": lambda: None})
    with pytest.raises(Exception):
        save(unpicklable, path, force=True)
    assert path.read_bytes() == b"an older model"
    assert os.listdir(tmp_path) == ["model.joblib"]


def test_save_into_a_missing_directory_is_an_output_error(tmp_path, synthetic_model):
    path = tmp_path / "no" / "such" / "model.joblib"
    with pytest.raises(OutputError) as error:
        save(synthetic_model, path)
    assert error.value.exit_code == 73
    assert error.value.message.startswith(str(path))
    assert not (tmp_path / "no").exists()


# --- files that are not models -------------------------------------------------------------------


def _random_bytes(path, saved):
    path.write_bytes(np.random.default_rng(0).bytes(4096))


def _truncated(path, saved):
    data = saved.read_bytes()
    path.write_bytes(data[: len(data) // 2])


def _dict(path, saved):
    joblib.dump({"a": 1}, path)


def _list(path, saved):
    joblib.dump([1, 2], path)


def _other_format(path, saved):
    joblib.dump({"format": "someone-elses-model", "format_version": 1}, path)


def _text(path, saved):
    path.write_text("text,labels\nhello,\n")


@pytest.mark.parametrize("make", [_random_bytes, _truncated, _dict, _list, _other_format, _text])
def test_a_file_that_is_not_a_model_is_an_artifact_error(tmp_path, saved, make):
    path = tmp_path / "bad.joblib"
    make(path, saved)
    with pytest.raises(ArtifactError) as error:
        load(path, trust=True)
    assert error.value.exit_code == 65
    message = error.value.message
    assert message.startswith(f"{path}: ")
    assert "\n" not in message
    assert "not a claimtag model" in message


def test_a_joblib_file_of_something_else_says_so(tmp_path):
    path = tmp_path / "dict.joblib"
    joblib.dump({"a": 1}, path)
    with pytest.raises(ArtifactError, match="a file of something else"):
        load(path, trust=True)


def test_an_empty_file_is_refused_with_a_one_line_message(tmp_path):
    path = tmp_path / "empty.joblib"
    path.write_bytes(b"")
    with pytest.raises(ClaimtagError) as error:
        load(path)
    assert error.value.message.startswith(str(path)) and "\n" not in error.value.message


def test_another_format_version_is_an_artifact_error(tmp_path, synthetic_model):
    path = tmp_path / "future.joblib"
    joblib.dump(payload(synthetic_model, format_version=FORMAT_VERSION + 41), path)
    sign(path)
    with pytest.raises(ArtifactError) as error:
        load(path)
    message = error.value.message
    assert error.value.exit_code == 65
    assert message.startswith(f"{path}: ") and "\n" not in message
    assert str(FORMAT_VERSION + 41) in message and "retrain" in message


def test_a_missing_file_is_no_input(tmp_path):
    path = tmp_path / "missing.joblib"
    with pytest.raises(NoInputError) as error:
        load(path)
    assert error.value.exit_code == 66
    assert error.value.message.startswith(str(path))
    assert "claimtag train" not in error.value.message  # the hint is for the default model only


def test_a_missing_default_model_says_how_to_get_one(tmp_path, monkeypatch):
    path = tmp_path / "default.joblib"
    monkeypatch.setenv("CLAIMTAG_MODEL", str(path))
    with pytest.raises(NoInputError) as error:
        load()
    assert error.value.message.startswith(str(path))
    assert "claimtag train" in error.value.message and "--model" in error.value.message


def test_a_directory_is_not_a_model_file(tmp_path):
    with pytest.raises(NoInputError):
        load(tmp_path)


# --- version warnings ----------------------------------------------------------------------------


def test_a_model_saved_with_another_scikit_learn_warns(tmp_path, synthetic_model, claimtag_log):
    path = tmp_path / "old.joblib"
    metadata = dict(synthetic_model.metadata)
    metadata["versions"] = dict(metadata["versions"], **{"scikit-learn": "0.0.1"})
    joblib.dump(payload(synthetic_model, metadata=metadata), path)
    sign(path)
    loaded = load(path)
    warnings = warning_messages(claimtag_log)
    assert len(warnings) == 1
    assert str(path) in warnings[0]
    assert "0.0.1" in warnings[0] and sklearn.__version__ in warnings[0]
    assert loaded.predict(PROBE) == synthetic_model.predict(PROBE)  # a warning, not a refusal


def test_a_model_without_versions_warns_that_they_are_unknown(tmp_path, synthetic_model, claimtag_log):
    path = tmp_path / "bare.joblib"
    save(Model(synthetic_model.pipeline), path)
    loaded = load(path)
    # Tagging uses the scorer's arrays, which no scikit-learn version changes: no warning yet.
    assert warning_messages(claimtag_log) == []
    assert loaded.pipeline is not None
    warnings = warning_messages(claimtag_log)
    assert len(warnings) == 1 and "(unknown)" in warnings[0]
    assert loaded.metadata == {}
    assert loaded.tags == list(TAGS)


# --- describe and default path -------------------------------------------------------------------


def test_describe_summarises_the_artifact(saved, synthetic_model):
    description = describe(saved)
    assert description["path"] == str(saved)
    assert description["bytes"] == saved.stat().st_size > 0
    assert description["tags"] == synthetic_model.tags
    assert description["thresholds"] == synthetic_model.thresholds
    assert description["versions"] == synthetic_model.metadata["versions"]
    assert description["cv"] == synthetic_model.metadata["cv"]
    assert description["training_data"]["rows"] == 49
    assert json.loads(json.dumps(description)) == description  # `claimtag info --json`


def test_describe_without_a_path_uses_the_environment_variable(saved, monkeypatch):
    monkeypatch.setenv("CLAIMTAG_MODEL", str(saved))
    assert describe()["path"] == str(saved)


def test_format_description_mentions_each_tag_and_the_metrics(saved, synthetic_model):
    text = format_description(describe(saved))
    assert str(saved) in text
    assert f"{saved.stat().st_size:,} bytes" in text
    for tag, threshold in synthetic_model.thresholds.items():
        assert f"{tag} (threshold {threshold:.3f})" in text
    assert "trained on 49 sentences from 7 articles" in text
    assert f"macro F1 {synthetic_model.metadata['cv']['macro_f1']:.3f}" in text
    assert f"scikit-learn {sklearn.__version__}" in text


def test_format_description_of_a_model_without_metadata(tmp_path, synthetic_model):
    path = save(Model(synthetic_model.pipeline), tmp_path / "bare.joblib")
    text = format_description(describe(path))
    for tag in TAGS:
        assert tag in text
    assert "macro F1" not in text


def test_default_model_path_honours_the_environment_variable(tmp_path, monkeypatch):
    monkeypatch.setenv("CLAIMTAG_MODEL", str(tmp_path / "mine.joblib"))
    assert default_model_path() == tmp_path / "mine.joblib"


@pytest.mark.parametrize("value", [None, ""])
def test_default_model_path_falls_back_to_the_bundled_model(monkeypatch, value):
    if value is None:
        monkeypatch.delenv("CLAIMTAG_MODEL", raising=False)
    else:
        monkeypatch.setenv("CLAIMTAG_MODEL", value)
    assert default_model_path() == BUNDLED_MODEL
    assert BUNDLED_MODEL.name == "default.joblib" and BUNDLED_MODEL.parent.name == "models"


def test_environment_names_the_versions_that_matter():
    versions = artifact.environment()
    assert set(versions) == {"python", "scikit-learn", "numpy", "joblib", "claimtag"}
    assert versions["scikit-learn"] == sklearn.__version__
    assert versions["numpy"] == np.__version__


# --- safe loading: digests for pickles, an allow-list for skops ----------------------------------


class RunsCode:
    """Unpickling (or skops-loading) this writes a marker file: proof that code ran."""

    def __init__(self, marker):
        self.marker = str(marker)

    def __reduce__(self):
        return (exec, (f"open({self.marker!r}, 'w').write('ran')",))

    def __setstate__(self, state):
        open(state["marker"], "w").write("ran")


def test_skops_round_trip_and_no_digest_needed(tmp_path, synthetic_model):
    path = save(synthetic_model, tmp_path / "model.skops")
    assert not digest_path(path).exists()
    loaded = load(path)
    assert loaded.artifact["format"] == "skops" and loaded.artifact["verified"] == "types allowed"
    np.testing.assert_array_equal(loaded.scores(PROBE), synthetic_model.scores(PROBE))
    assert loaded.metadata == synthetic_model.metadata


def test_the_format_can_be_chosen_whatever_the_name(tmp_path, synthetic_model):
    path = save(synthetic_model, tmp_path / "model.bin", fmt="skops")
    assert load(path).artifact["format"] == "skops"


def test_a_pickle_that_would_run_code_is_refused_without_a_digest(tmp_path):
    marker = tmp_path / "marker"
    evil = tmp_path / "evil.joblib"
    evil.write_bytes(pickle.dumps(RunsCode(marker)))
    with pytest.raises(UntrustedError) as error:
        load(evil)
    assert error.value.exit_code == 77
    assert "has no digest file evil.joblib.sha256" in error.value.message and "--trust" in error.value.message
    assert not marker.exists()


def test_a_pickle_swapped_in_after_saving_is_refused(tmp_path, synthetic_model):
    marker = tmp_path / "marker"
    path = save(synthetic_model, tmp_path / "model.joblib")
    path.write_bytes(pickle.dumps(RunsCode(marker)))
    with pytest.raises(UntrustedError, match="does not match model.joblib.sha256"):
        load(path)
    assert not marker.exists()


def test_trust_loads_an_unverified_pickle_with_a_warning(tmp_path, synthetic_model, claimtag_log):
    path = tmp_path / "model.joblib"
    joblib.dump(payload(synthetic_model), path)
    loaded = load(path, trust=True)
    assert loaded.artifact["verified"] == "not verified (--trust)"
    assert any("unverified pickle" in w for w in warning_messages(claimtag_log))


def test_a_skops_file_with_a_type_outside_the_allow_list_is_refused_even_with_trust(tmp_path):
    import skops.io

    marker = tmp_path / "marker"
    path = tmp_path / "evil.skops"
    skops.io.dump({"format": FORMAT, "format_version": FORMAT_VERSION, "pipeline": RunsCode(marker)}, path)
    for trust in (False, True):
        with pytest.raises(UntrustedError) as error:
            load(path, trust=trust)
        assert "test_artifact.RunsCode" in error.value.message
    assert not marker.exists()


def test_a_skops_file_holding_a_function_is_refused(tmp_path):
    import skops.io

    path = tmp_path / "function.skops"
    skops.io.dump({"format": FORMAT, "format_version": FORMAT_VERSION, "pipeline": os.system}, path)
    with pytest.raises(UntrustedError, match="types a claimtag model never has"):
        load(path)


def test_a_crash_between_the_two_renames_leaves_either_file_loadable(tmp_path, synthetic_model):
    """save() lists the old and the new digest while the new file replaces the old one."""
    path = save(synthetic_model, tmp_path / "model.joblib")
    old_bytes = path.read_bytes()
    other = save(Model(synthetic_model.pipeline, dict(synthetic_model.metadata, seed=99)), tmp_path / "other.joblib")
    new_digest = digest_path(other).read_text().split()[0]
    old_digest = digest_path(path).read_text().split()[0]
    digest_path(path).write_text(f"{new_digest}  model.joblib\n{old_digest}  model.joblib\n")
    assert load(path).artifact["verified"] == "sha256 matches model.joblib.sha256"
    path.write_bytes(other.read_bytes())
    assert load(path).artifact["verified"] == "sha256 matches model.joblib.sha256"
    assert path.read_bytes() != old_bytes


def test_describe_reports_format_digest_and_verification(tmp_path, synthetic_model):
    path = save(synthetic_model, tmp_path / "model.joblib")
    description = describe(path)
    assert description["format"] == "joblib"
    assert description["sha256"] == hashlib.sha256(path.read_bytes()).hexdigest()
    assert description["verified"] == "sha256 matches model.joblib.sha256"
    assert "format     joblib" in format_description(description)
