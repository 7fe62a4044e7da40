"""The app starts on each database and serves its home page."""


def test_home_page_renders_without_edition(client):
    response = client.get("/")
    assert response.status_code == 200
    assert "Ngày Hội" in response.get_data(as_text=True)


def test_tree_factory_builds_paths(make):
    tree = make.tree()
    assert tree["00376001"].path == "/VN/01/00376/00376001/"
    assert tree["01"].parent_id == tree["VN"].id
