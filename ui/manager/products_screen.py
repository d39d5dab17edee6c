"""The products screen: the catalog and its CSV import."""
from __future__ import annotations

from pathlib import Path

from PySide6.QtWidgets import (QFileDialog, QHBoxLayout, QLineEdit, QPlainTextEdit, QPushButton,
                               QVBoxLayout, QWidget)

from pos_app.domain.catalog import Product
from pos_app.domain.errors import ImportRejected, UnknownProduct
from pos_app.domain.money import format_zhe
from pos_app.services.auth import User
from ui.context import TillContext
from ui.error_messages import describe
from ui.formatting import yuan
from ui.manager.tables import fill_table, make_table


class ProductsScreen(QWidget):
    """Search and view products; import a CSV file (refused whole, with every bad line listed)."""

    def __init__(self, ctx: TillContext, manager: User, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._ctx = ctx
        self._manager = manager
        self.query = QLineEdit()
        self.query.setPlaceholderText(self.tr("Name, SKU or barcode"))
        self.query.setProperty("takesScans", True)   # a scan lands here as typed
        self.query.returnPressed.connect(self.search)
        go = QPushButton(self.tr("Search"))
        go.clicked.connect(self.search)
        self.import_button = QPushButton(self.tr("Import CSV…"))
        self.import_button.clicked.connect(self._on_import_button_clicked)
        self.table = make_table([self.tr("SKU"), self.tr("Barcode"), self.tr("Name"),
                             self.tr("Category"), self.tr("Price"), self.tr("Kind"),
                             self.tr("Promotion")])
        self.report = QPlainTextEdit()
        self.report.setObjectName("importReport")
        self.report.setReadOnly(True)
        self.report.setMaximumHeight(160)
        row = QHBoxLayout()
        row.addWidget(self.query, 1)
        row.addWidget(go)
        row.addWidget(self.import_button)
        layout = QVBoxLayout(self)
        layout.addLayout(row)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.report)

    def search(self) -> None:
        text = self.query.text().strip()
        selling = self._ctx.services.selling

        def work() -> list[Product]:
            found = selling.search_products(text, 100)
            if not found:
                try:
                    found = [selling.get_product(text)]
                except UnknownProduct:          # an empty list says it
                    found = []
            return found

        self._ctx.background.run(work, self._on_search_done,
                                 lambda exc: self.report.setPlainText(describe(exc)[1]))

    def _on_search_done(self, products: list[Product]) -> None:
        kinds = {"regular": self.tr("regular"), "special": self.tr("special price"),
                 "excluded": self.tr("excluded")}
        fill_table(self.table, [[p.sku, p.barcode or "", p.name, p.category, yuan(p.price_fen),
                            kinds.get(p.kind.value, p.kind.value),
                            format_zhe(p.promo_rate_bp) + "折" if p.promo_rate_bp else ""]
                           for p in products])

    def _on_import_button_clicked(self) -> None:
        path, _ = QFileDialog.getOpenFileName(self, self.tr("Import products"), "",
                                              self.tr("CSV files (*.csv)"))
        if path:
            self.import_file(Path(path))

    def import_file(self, path: Path) -> None:
        imports = self._ctx.services.imports
        manager = self._manager
        self.report.setPlainText(self.tr("Importing %1…").replace("%1", path.name))
        self._ctx.background.run(lambda: imports.import_products(manager, path.read_bytes()),
                                 self._on_import_done, self._on_import_failed)

    def _on_import_done(self, result: tuple[int, int]) -> None:
        self.report.setPlainText(self.tr("Imported: %1 added, %2 updated.")
                                 .replace("%1", str(result[0])).replace("%2", str(result[1])))

    def _on_import_failed(self, exc: Exception) -> None:
        text = describe(exc)[1]
        if isinstance(exc, ImportRejected):
            text += "\n" + "\n".join(self.tr("line %1: %2").replace("%1", str(line))
                                     .replace("%2", reason) for line, reason in exc.problems)
        self.report.setPlainText(text)
