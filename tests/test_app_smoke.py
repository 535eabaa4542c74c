async def test_healthz_reports_database(client):
    response = await client.get("/healthz")
    assert response.status_code == 200
    assert response.json()["status"] == "ok"


async def test_favicon_is_served_and_linked(client):
    for path in ("/favicon.ico", "/favicon.svg"):
        response = await client.get(path)
        assert response.status_code == 200
        assert response.headers["content-type"].startswith("image/svg+xml")
    login_page = await client.get("/admin/login")
    assert '<link rel="icon" href="/favicon.svg">' in login_page.text
