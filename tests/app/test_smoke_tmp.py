from tests.app.conftest import run_page

def test_smoke(trained):
    for p in ["pages/4_Customer_lookup.py", "pages/5_What_if.py", "pages/6_Model_quality.py"]:
        at = run_page(p)
        print(p, [e.message for e in at.exception], [e.value for e in at.error])
        print([ (m.label, m.value) for m in at.metric])
