"""The presentation vocabulary: how numbers read."""


def test_file_sizes_read_in_mb_or_gb():
    from core.present.formats import format_bytes

    assert format_bytes(32_925_809) == "32.9 MB"
    assert format_bytes(3_400_000_000) == "3.40 GB"
    assert format_bytes(12) == "0.1 MB"
