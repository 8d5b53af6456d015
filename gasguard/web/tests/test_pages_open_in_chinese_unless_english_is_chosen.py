"""简体中文 first: an English browser still gets Chinese pages; the header's switch (the language cookie) gives
English, and switching back gives Chinese again."""
from django.urls import reverse


def test_pages_open_in_chinese_unless_english_is_chosen(client, personas):
    client.force_login(personas.office)
    page = client.get(reverse("ledger"), HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9").content.decode()
    assert "隐患台账" in page and "Hazard ledger" not in page

    client.post(reverse("set_language"), {"language": "en", "next": "/"})
    page = client.get(reverse("ledger")).content.decode()
    assert "Hazard ledger" in page

    client.post(reverse("set_language"), {"language": "zh-hans", "next": "/"})
    assert "隐患台账" in client.get(reverse("ledger"), HTTP_ACCEPT_LANGUAGE="en").content.decode()
