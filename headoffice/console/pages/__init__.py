"""Console page modules, in menu order. Each module has `router` (an APIRouter under
/console) and `NAV`: (permission, href, label) entries for the menu. To add a page, write a
module here and add its name to PAGES (headoffice/README.md, "Console pages")."""

PAGES = [
    "dashboard",
    "members",
    "rules",
    "promotions",
    "catalog",
    "shops",
    "money",
    "reports",
    "messages",
    "users",
    "audit",
]
