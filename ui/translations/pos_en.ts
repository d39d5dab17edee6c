<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="en_US">
<context>
    <name>BasketTableModel</name>
    <message>
        <source>No.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Barcode</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Item</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Qty</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Price</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Discount</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Amount</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>ErrorMessages</name>
    <message>
        <source>This card was reported lost on %1 at %2.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>This card was reported lost on %1.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>This card expired on %1.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>This card was cancelled on %1.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>This card was replaced by a new card on %1.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>This card cannot be used (%1).</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Scan a barcode or type a SKU, then press Enter.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Swipe or tap the member card first (F2).</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>A line that uses a count pass is always one visit.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Select a line in the basket first.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Enter a discount rate between 0 and 1, e.g. 0.9 for 10% off.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The member has no PIN yet or the PIN is not 4 to 8 digits: a manager sets one first.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Finish or hold the current sale first.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Every tender must be a positive amount.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Points can only pay whole amounts (100 points = ¥1.00).</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Enter the cash put into the drawer, e.g. 500.00.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Enter the amount.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Enter the cash counted in the drawer.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Say why the cash is moved.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Check the user name: it is required and must not exist yet.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The role must be cashier, manager or admin.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The rule set does not know this tier: sync with head office.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>No member price</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The card gets no member price, earns no points and cannot pay. Ask for another card or sell without a member.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Unknown item</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>No product has the code %1. Check the code or search by name.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Unknown card</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>No member card %1 is known at this till. Search the member by mobile or name.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Unknown member</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>This member is not known at this till.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Receipt not found</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>No sale with receipt %1. Scan the QR code on the receipt or check the number.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Not found</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Nothing was found for %1.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Invalid quantity</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1 is not a valid quantity. Enter a whole number from 1 to 9999.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Invalid amount</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&quot;%1&quot; is not an amount. Type it like 12.50.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Amount too large</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1 is more than the limit of %2. Check the price.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Not enough balance</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The card balance is %1 but %2 was asked. Pay the missing %3 another way.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Not enough points</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>This needs %1 points; the member has %2.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Member PIN needed</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Paying %1 from the card needs the member&apos;s PIN. Ask the member to type it.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Wrong PIN</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The PIN is wrong. %1 tries left before the account is locked.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Locked</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Too many wrong PINs: locked until %1. Ask a manager.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Manager needed</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>A %1 must authorise this. Ask a manager to type their PIN.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Discount too large</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1% off is more than the %2% your role may give. Ask a manager.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Too much paid</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Card, stored value, points and mobile payments may not pay more than %1 due; only cash gives change.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Not fully paid</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1 is due but only %2 was tendered. Add another tender.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Too much paid with points</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Points may pay at most %1 of this sale.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>No open shift</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Open a shift with the cash float first.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Shift already open</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>A shift is already open on this till.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Empty basket</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Scan at least one item first.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Too many returned</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Line %1: only %2 can still be returned.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Cannot redeem</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Special-priced and excluded items cannot be taken for points.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>This gift needs %1 points; the member has %2 available.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>the pass has expired</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>no uses are left</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>the pass was refunded</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>the pass belongs to another member</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Pass not usable</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The pass cannot be used: %1.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Import refused</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1 line(s) have problems; nothing was imported. Fix them and import again.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Member exists</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>A member with this %1 already exists.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Check the input</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Check the field &quot;%1&quot;.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Printer problem</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The sale is done. The receipt waits for reprint (F9).</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Cannot do that</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The till refused this (%1).</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Something went wrong</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>An unexpected error happened; it was written to the log. Try again, and call support if it happens again.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The printer cover is open: close it.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The printer is out of paper: put in a new roll.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The printer does not answer: check its power and cable.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The printer is offline: press its feed button or switch it off and on.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The printer reports a fault (cutter jam?): open it, clear it, close it.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The printer could not print.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>cashier</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>manager</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>administrator</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>Formatting</name>
    <message>
        <source>Member %1折</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Promotion %1折</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Special price</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Manual %1折</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Points gift (%1 pts)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Count pass</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Cash</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Stored value</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Bank card</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>WeChat Pay</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Alipay</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Points</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>active</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>reported lost</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>replaced</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>cancelled</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>expired</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>earned</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>bonus</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>gift redeemed</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>points as cash</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>return</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>bonus reversed</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>points refunded</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>top-up</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>spent</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>refund to card</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>balance paid out</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>opening balance</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>adjustment</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>LoginDialog</name>
    <message>
        <source>Log in</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>PIN</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Log in (Enter)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>User</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Checking…</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>MainWindow</name>
    <message>
        <source>Membership POS · %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Finish or hold the sale before logging out.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>the manager screens</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The new language is used after a restart.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Cashier: %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Not logged in</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Shift since %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>No shift</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Offline · %1 to upload</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Head office · %1 to upload</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Printer ready</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Printer problem</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>No printer</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1 receipt(s) waiting (F9)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Card reader: keyboard</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Card reader ready</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Card reader: %1</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>ManagerAuthDialog</name>
    <message>
        <source>Manager authorisation</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>A manager must confirm: %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Authorise</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Cancel</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Manager</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>PIN</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>ManagerDialog</name>
    <message>
        <source>Manager · %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Members</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Products</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Rule set</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Shift close</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Users</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Settings</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Close (Esc)</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>MemberPanelWidget</name>
    <message>
        <source>Mobile</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Tier</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Points</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Balance</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Passes</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Card valid to</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>This sale earns</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Next gift</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Birthday gift</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Lottery</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Quarterly gift</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>No member (F2)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>no expiry</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1 points</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1 more points for a gift up to %2</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Joins %1 with this sale</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>MemberSearchDialog</name>
    <message>
        <source>Member</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Swipe or tap the card, scan the member code, or type a card number, mobile number or name.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Use as card number</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Remove member from sale</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Close (Esc)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Searching…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1   %2   %3   %4 points   balance %5</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1 member(s) found</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>No member found</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>MembersScreen</name>
    <message>
        <source>Mobile, card number or name</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Search</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>When</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Ledger</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Kind</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Receipt</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Note</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Points / amount</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>No member found</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1 · %2 · %3
Points %4 (accumulated %5) · balance %6 (bonus %7)
Cards: %8
Passes: %9</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Points</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Balance</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>OpenShiftDialog</name>
    <message>
        <source>Open shift</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>No shift is open on this till. Count the cash float put into the drawer and open the shift.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Open shift (Enter)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Cash float ¥</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>PaymentDialog</name>
    <message>
        <source>Payment</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Payment reference (bank/WeChat/Alipay slip no.)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Needs a member card</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Exact</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1: balance %2 · %3 points (points can pay up to %4)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Remove last tender (Del)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Member PIN</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Complete sale (Enter)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Back to the basket (Esc)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Due</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Paid</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Still to pay</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Change</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Amount ¥</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Saving the sale…</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>ProductsScreen</name>
    <message>
        <source>Name, SKU or barcode</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Search</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Import CSV…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>SKU</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Barcode</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Name</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Category</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Price</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Kind</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Promotion</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>regular</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>special price</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>excluded</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Import products</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>CSV files (*.csv)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Importing %1…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Imported: %1 added, %2 updated.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>line %1: %2</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>RecallDialog</name>
    <message>
        <source>Recall a held sale</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Recall</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Cancel</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>ReceiptPreviewDialog</name>
    <message>
        <source>Last receipt</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>No receipt was printed since the app started.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Close (Esc)</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>RedeemDialog</name>
    <message>
        <source>Redeem points / use a pass</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1 points: a gift with a list price up to %2 (uses %3 points).</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1 points: not enough for a gift yet.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1 more points for a gift up to %2.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Scan the gift&apos;s barcode</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Take gift for points</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Close (Esc)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Count passes (double-click to use one visit)</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>ReturnsDialog</name>
    <message>
        <source>Return</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Scan the QR code on the receipt or type its number</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Find</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>No.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Item</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Sold</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Amount</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Return qty</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Return everything</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Book the return</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Close (Esc)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>no member</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Receipt %1 · %2 · total %3 · %4 · paid by %5</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1 (returned %2)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Choose what comes back: set a return quantity.</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>RulesScreen</name>
    <message>
        <source>Rule set version %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Tiers:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1: pays %2折 · joins with a purchase of %3 · upgrade at %4 accumulated points</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>1 point per %1 of eligible spend; %2 bonus points when a sale earns %3 or more; lottery when the balance ends in %4.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Gift ladder: %1 points for a gift up to %2, every further %3 points add %4.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Points as cash: %1 points = ¥1.00, at most %2% of a sale.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Stored value: member PIN above %1.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Top up %1, get %2 bonus.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Manual discount limit for %1: %2%</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>SellingScreen</name>
    <message>
        <source>Scan or type a barcode, SKU, 3*code or a name; Enter on an empty line pays</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Items</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Subtotal</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Discounts</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Due</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Member</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Quantity</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Delete line</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Hold</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Recall</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Return</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Discount</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Reprint</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Redeem</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Open drawer</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Pay</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Last receipt</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Manager</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Log out</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Finish the payment or go back to the basket (Esc) before scanning.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The card could not be read: swipe it again, steadily, or type the card number.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>No member price, no points, cannot pay with balance.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>New quantity for line %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Sale held. Recall it with F6.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>No sale is on hold.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>a return</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Return %1 booked: refund %2.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Pay rate for line %1 (e.g. 0.9 = 10% off; end with * for the whole sale)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>a manual discount</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>opening the drawer</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Change %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>No change</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Sale %1 done. %2. Printing the receipt…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Receipt printed.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The receipt is waiting for reprint (F9). %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Printing the receipt…</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>SettingsScreen</name>
    <message>
        <source>Follow the system</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Language</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Shop code</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Shop name</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Till code</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Receipt footer</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Printer (tcp://host:9100, COM3, /dev/usb/lp0)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Printer paper (58mm-32, 80mm-42, 80mm-48)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Serial card reader (COM4, /dev/ttyUSB0)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Serial scanner</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Customer display</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>IC card reader name</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Head office address</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Save</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Saved. Device changes apply after a restart.</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>ShiftScreen</name>
    <message>
        <source>Cash counted in the drawer, e.g. 1234.50</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Show Z report so far</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Close shift</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Counted cash ¥</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Z report · shop %1 · till %2 · %3</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Opened %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Closed %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Still open</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Sales: %1, total %2</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Returns: %1, total %2</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Discounts given: %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Member sales: %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>refund</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Points issued %1, redeemed %2</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Stored value: topped up %1 (bonus %2), spent %3, refunded %4</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Float %1 · pay-ins %2 · pay-outs %3</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Expected cash in drawer: %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Counted: %1 · difference %2</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>Startup</name>
    <message>
        <source>The till could not start. The details are in %1.</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>UsersScreen</name>
    <message>
        <source>User</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Name</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Role</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Add user</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Reset PIN</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Set role</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>User name</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Display name</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>PIN (4-8 digits)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>User %1 added.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>PIN of %1 reset.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Role of %1 changed.</source>
        <translation type="unfinished"></translation>
    </message>
</context>
</TS>
