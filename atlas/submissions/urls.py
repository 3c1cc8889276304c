from django.urls import path

from atlas.accounts import views as account_views
from atlas.revisions import views as history
from atlas.submissions import curate_views as curate
from atlas.submissions import views

app_name = "submissions"
urlpatterns = [
    path("account/login/", account_views.login, name="login"),
    path("account/logout/", account_views.logout, name="logout"),
    path("account/", account_views.account, name="account"),
    path("submit/", views.submit_index, name="index"),
    path("submit/tool/", views.submit_tool, name="tool"),
    path("submit/correction/<slug:slug>/", views.submit_correction, name="correction"),
    path("submit/story/", views.submit_story, name="story"),
    path("submit/solution/", views.submit_solution, name="solution"),
    path("submit/thanks/", views.thanks, name="thanks"),
    path("tools/<slug:slug>/history/", history.tool_history, name="tool_history"),
    path("organisations/<slug:slug>/history/", history.organisation_history,
         name="organisation_history"),
    path("helplines/<str:code>/history/", history.helpline_history, name="helpline_history"),
    path("helplines/<str:code>/report/", views.helpline_report, name="helpline_report"),
    path("tools/<slug:slug>/contact/", views.contact, name="contact"),
    path("stories/", views.story_list, name="stories"),
    path("stories.json", views.story_list_json, name="stories_json"),
    path("curate/", curate.queue, name="queue"),
    path("curate/submissions/<int:pk>/", curate.detail, name="detail"),
    path("curate/submissions/<int:pk>/approve/", curate.approve, name="approve"),
    path("curate/submissions/<int:pk>/reject/", curate.reject, name="reject"),
    path("curate/submissions/<int:pk>/edit/", curate.edit, name="edit"),
    path("curate/submissions/<int:pk>/publish/", curate.publish, name="publish"),
    path("curate/tools/<slug:slug>/verify/", curate.verify, name="verify"),
    path("curate/revisions/<int:pk>/revert/", history.revert, name="revert"),
    path("curate/audit/", curate.audit, name="audit"),
    path("curate/stories/open/", curate.stories_open, name="stories_open"),
    path("curate/stories/sealed.json", curate.stories_sealed, name="stories_sealed"),
]
