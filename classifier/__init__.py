"""claimtag: tag sentences of conflict news as accusation, denial, casualty_report and demand.

    import classifier
    model = classifier.train(["data/labeled/seed.csv"])
    model.predict(["Rebels accused the army of shelling the town."])
    classifier.save(model, "my.joblib"); classifier.load("my.joblib")

The names below are loaded on first use, so that ``claimtag --help`` does not pay for importing
scikit-learn.
"""

__version__ = "0.1.0"

_PUBLIC = {
    "train": "training",
    "load": "artifact",
    "save": "artifact",
    "Model": "model",
    "Prediction": "model",
    "build_pipeline": "pipeline",
    "TagClassifier": "pipeline",
    "TAGS": "tags",
}
__all__ = sorted(_PUBLIC) + ["__version__"]


def __getattr__(name):
    if name not in _PUBLIC:
        raise AttributeError(f"module 'classifier' has no attribute {name!r}")
    import importlib

    return getattr(importlib.import_module(f".{_PUBLIC[name]}", __name__), name)
