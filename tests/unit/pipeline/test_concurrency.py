"""Two sessions training at once: neither corrupts the other's dataset, and readers always see a whole version."""

from __future__ import annotations

import threading

from core.pipeline.persistence import load_artifacts, save_artifacts


def test_parallel_saves_of_two_datasets_and_of_one_dataset(trained, tmp_path):
    errors: list[BaseException] = []
    save_artifacts(trained, tmp_path / "team-a")  # a first version, so the reader has something from the start

    def save(name: str) -> None:
        try:
            for _ in range(3):
                save_artifacts(trained, tmp_path / name)
        except BaseException as exc:  # collected and re-raised below: a thread's failure must fail the test
            errors.append(exc)

    names = ("team-a", "team-b", "shared", "shared", "shared")
    threads = [threading.Thread(target=save, args=(n,)) for n in names]
    for t in threads:
        t.start()
    # meanwhile a reader keeps loading whichever version is current, and always gets a whole one
    loads = 0
    while loads < 3 or any(t.is_alive() for t in threads):
        loaded = load_artifacts(tmp_path / "team-a")
        assert len(loaded.customers) == len(trained.customers)
        assert len(loaded.transactions) == len(trained.transactions)
        loads += 1
    for t in threads:
        t.join()
    assert loads >= 3
    assert not errors, errors
    for name in ("team-a", "team-b", "shared"):
        loaded = load_artifacts(tmp_path / name)
        assert len(loaded.customers) == len(trained.customers)
        assert (loaded.models.segment.assign(loaded.customers) == loaded.customers["segment"]).all()
    # only the current version of each dataset is left once everyone is done
    assert len([p for p in (tmp_path / ".versions" / "shared").iterdir() if p.is_dir()]) == 1
