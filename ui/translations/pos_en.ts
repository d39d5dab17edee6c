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
    <name>CardCancelDialog</name>
    <message>
        <source>Cancel membership (注销)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Cancel membership</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Cancel the membership of %1?
• Paid back in cash: %2
• Forfeited: bonus balance %3, %4 points
• Unused count passes: %5 (refund them first)
• Every card of the member is closed for good.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>I explained this to the member and they agree</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>CardDialogs</name>
    <message>
        <source>Cancel</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The mobile number the member says</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>ID card last 6 digits or security answer</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>I saw the member&apos;s ID card (when no answer is on file)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Mobile</source>
        <translation>Mobile</translation>
    </message>
    <message>
        <source>ID / answer</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Swipe the card or type the printed number</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Magnetic / printed card</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>IC card on the reader</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>No IC card reader is set up on this till</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Card</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Card number</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>CardPinDialog</name>
    <message>
        <source>Member PIN</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Save PIN</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Set the first PIN</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Change (member types the old PIN)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Reset (forgotten: identity check)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>What</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Old PIN</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>New PIN (4-8 digits)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>New PIN again</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>CardRefundDialog</name>
    <message>
        <source>Refund balance (退卡/取款)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Pay out</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Paid-in balance %1 can be paid out in cash. Bonus %2 is never refunded.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Amount ¥</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Member PIN</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>CardRegisterDialog</name>
    <message>
        <source>Register a member and issue a card (办卡)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Register and issue</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Not given</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Female</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Male</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>YYYY-MM-DD, e.g. 1990-04-15</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Solar (公历)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Lunar (农历)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Leap month (闰月)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The member agrees to receive messages (recorded with the time)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Card number of the member who referred them</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>ID card last 6 digits or a security answer</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Scan today&apos;s receipt to join a higher tier</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Name</source>
        <translation>Name</translation>
    </message>
    <message>
        <source>Mobile</source>
        <translation>Mobile</translation>
    </message>
    <message>
        <source>Gender</source>
        <translation>Gender</translation>
    </message>
    <message>
        <source>Birthday</source>
        <translation>Birthday</translation>
    </message>
    <message>
        <source>ID / answer</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Referred by</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Same-day receipt</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>11 digits, 13-19…</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>CardRenewDialog</name>
    <message>
        <source>Renew card (延期)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Renew</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Card %1 expires: %2. Annual fee: %3.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source> days</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Extend by</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>CardReplaceDialog</name>
    <message>
        <source>Replace card (补卡)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Replace card</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Card %1 will be dead for good. Balance, points, tier and passes move to the new card. Replacement fee: %2.</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>CardTopUpDialog</name>
    <message>
        <source>Top up (充值)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Confirm top-up</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Bank slip or payment number (not for cash)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Amount ¥</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Paid by</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Reference</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Bonus</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1 bonus (not refundable) · the card gets %2</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>CouponDialog</name>
    <message>
        <source>Apply a coupon</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Scan or type the coupon code</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Apply</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1   valid to %2   %3</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The member&apos;s coupons usable here (double-click or Enter to apply)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Attach the member card (F2) to see their coupons</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Close (Esc)</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>DeviceSettingsScreen</name>
    <message>
        <source>OK: the test page printed.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>OK: the test page printed. The paper is running low.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Sent: this connection reports no status; check the test page.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>OK: the drawer opened.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>OK: the port is open. Swipe a card to try the reader.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>OK: the port is open. Scan a code to try the scanner.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>OK: the card reader answered.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>OK: the display shows TEST.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>OK: %1 · a card is on the reader.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>OK: %1 · no card on the reader.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Enter the address first.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The printer is out of paper: put in a new roll.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The printer cover is open: close it.</source>
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
        <source>No answer: check the cable, the power and the baud rate.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Cannot connect (%1): check the address, the cable and the power.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The connection broke during the test: check the cable.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Unexpected answer (%1): not an ESC/POS printer, or a wrong baud rate.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>This address cannot be used (%1).</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Cannot open the port (%1): check the name and that no other program uses it.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Invalid setting (%1).</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>No card reader is connected.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>No reader named &quot;%1&quot; is connected: pick one from the list.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The smart card service (PC/SC) is not running.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The card reader reported an error (%1).</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The printer reported an error (%1).</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Unexpected result (%1).</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Font has GB18030 (rare characters such as 𠮷)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Tick only if the printer&apos;s manual lists GB18030. Otherwise a character the printer cannot print shows as a square.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Pin 2</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Pin 5</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>MagTek (ASCII)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>8-digit LED (2400 baud)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>ASCII digit &apos;0&apos;-&apos;4&apos;</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Raw byte 00-04</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>How the 8-digit LED display takes the light command (ESC s n). If the 单价/总计/收款/找零 lights stay dark or wrong in the test, try the other choice.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>none</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Track 1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Track 2</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Track 3</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>all</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>e.g. 88,66</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>e.g. 12,16</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Empty: the first reader</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Refresh list</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Receipt printer</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Address</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Paper · columns</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Receipt language</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Cash drawer (on the printer)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Drawer connector</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Open drawer</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Serial card reader</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Port</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Protocol</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Baud</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Serial barcode scanner</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Customer display</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Model</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>LED lights (ESC s n)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>USB keyboard-wedge readers and scanners</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Prefix</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Key gap</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>End after</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Shortest barcode</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Card number: track</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>field</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>skip characters</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>length</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Bare digits are a card number: prefixes</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>lengths</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>IC card reader (PC/SC)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Reader</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Save devices</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Device tests are not available here.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Ports</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Test</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Card number prefixes are digits separated by commas, e.g. 88,66.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Card number lengths are numbers from 4 to 32 separated by commas, e.g. 12,16.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Testing…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Serial ports on this computer: %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>No serial ports found: plug in the device or its USB adapter, then press Refresh list.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Saved. Device changes apply after a restart.</source>
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
        <source>The coupon needs %1 more of goods it covers.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Excluded goods (%1) do not count towards the coupon: %2 more of other goods is needed.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The coupon does not cover these goods (%1).</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The coupon expired on %1.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The coupon can be used from %1.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The coupon was already used at %1 on %2.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The coupon belongs to another member: attach that member&apos;s card first.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The coupon cannot be used in this shop.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>None of the goods in the basket are covered by the coupon.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>This coupon cannot be used together with another coupon.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>This coupon is already on the sale.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>This till has taken as many coupons as it may before head office confirms them: sync first (or take %1 less).</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The member already holds as many of these coupons as allowed.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>No coupon has the code %1: check it and scan again.</source>
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
        <source>The basket has lines of this member (a pass visit, a pass bought, a gift for points): remove them first, then change or take off the card.</source>
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
        <source>A count pass is not returned here: set its return quantity to 0 and refund the pass on the member cards screen (Refund pass), which takes off the visits already used.</source>
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
        <source>A PIN has 4 to 8 digits.</source>
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
        <source>Top up with cash, bank card, WeChat Pay or Alipay.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Take the fee in cash, by bank card, WeChat Pay, Alipay or from the balance.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>A fee from the balance needs the member&apos;s PIN or signature first.</source>
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
        <source>Enter the member&apos;s name (up to 60 characters).</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>A mobile number has 11 digits and starts with 13 to 19.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Choose the gender, or leave it open.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Check the birthday: no such date in the chosen calendar.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Swipe the card or type its number (letters and digits, up to 40).</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Put the IC card on the reader and try again.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The receipt does not qualify: it must be from today, not used before, and reach a tier&apos;s amount.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Extend by 1 to 3650 days.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>This gift is not due for this member today.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>This card write was already completed.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Ask the member whether they agree to messages and tick the box.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Select the count pass to refund in the passes table.</source>
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
        <source>mobile number</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The %1 %2 already belongs to member %3. Search that member instead of registering again.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>the mobile number does not match the member&apos;s</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>the ID digits or security answer do not match</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>no security answer is on file: look at the ID card and tick &quot;I saw the ID card&quot;</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>changing a PIN needs the old PIN, or a reset with the identity check</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Identity not confirmed: %1. Nothing was changed.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>report it lost</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>unblock it</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>replace it</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>renew it</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>cancel it</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>birthday gift</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>quarterly Diamond gift</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Already given</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The %1 for %2 was already handed over.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Confirmation needed</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Confirm the cancellation first; nothing was changed.</source>
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
        <source>Not enough paid-in balance</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Only %1 of paid-in balance can be refunded; %2 was asked. Bonus money is never refunded.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Withdrawal refused</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The rule set keeps paid-in money on the card while %1 of bonus money remains. The member spends the bonus first; nothing was changed.</source>
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
        <source>Not a PIN</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>A PIN is 4 to 8 digits, typed by hand; that looked like a scan. Nothing was counted against the account: type the PIN.</source>
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
        <source>Head office refused</source>
        <translation>Head office refused</translation>
    </message>
    <message>
        <source>Head office shows a member&apos;s full details to managers only.</source>
        <translation>Head office shows a member&apos;s full details to managers only.</translation>
    </message>
    <message>
        <source>Head office needed</source>
        <translation>Head office needed</translation>
    </message>
    <message>
        <source>Full member details are kept at head office only, and this till is not connected to head office.</source>
        <translation>Full member details are kept at head office only, and this till is not connected to head office.</translation>
    </message>
    <message>
        <source>Full member details are kept at head office only, and head office cannot be reached now. Try again when the till is online.</source>
        <translation>Full member details are kept at head office only, and head office cannot be reached now. Try again when the till is online.</translation>
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
        <source>Coupon not usable</source>
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
        <source>The till has been offline too long to let balance or points be spent. Take another tender and call head office.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>This card was used offline as often as allowed. Take another tender.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Offline, this card may spend less. Pay part with another tender.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The shop&apos;s offline limit for card spending is reached. Take another tender.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Spend not authorised</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Head office refused the balance or points spend (%1). Take another tender.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Identity not confirmed</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Not possible for this card</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>This cannot be undone: confirm it first.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Device problem</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>A device did not respond. Check its cable and power, then try again.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Check the input</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Enter the amount, like 100.00.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Check the field &quot;%1&quot;.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Card already bound</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Card %1 already belongs to member %2. Use a new, unused card.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Card %1 is %2, so you cannot %3. Nothing was changed.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Valid for ever</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Card %1 is valid for ever (长期有效): there is nothing to extend. Nothing was changed.</source>
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
        <source>Member price</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Member day %1折</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Multi-buy</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Spend and save</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Coupon</source>
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
    <message>
        <source>imported from a CSV file</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Balance</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>IcMessages</name>
    <message>
        <source>The card left the reader too soon.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The card reader service did not answer (it may be restarting).</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The card reader is not connected.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>This reader or card does not support the command that was needed.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>A different card is on the reader now.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>This card does not open with our keys.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The card could not be read or written.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Card write not finished</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Put the same card back on the reader and keep it there: the till checks the chip and finishes or cancels the issue. Nothing is charged twice.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Cannot write member cards</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>This till has no certified card key yet. Enrol it with head office (pos sync --enrol), then try again.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Check the reader&apos;s USB cable, then tap the card again.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Use a supported IC card (Mifare Classic) or reader, or call the manager.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>It is not one of our member cards. Ask for the member&apos;s card or mobile number.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Hold the card flat on the reader and tap it again.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Card not read</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Card not checked yet</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>This card was issued by a till whose certificate this till has not received yet. Let the till reach head office (sync), then tap again.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Card needs replacing</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>This card was written by a till that head office has withdrawn. Replace the card (补卡) for the member; the balance moves with the member.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Old card format</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>This card still carries the old member data, which was accepted until %1 only. Replace the card (补卡) for the member; the balance moves with the member.</source>
        <translation>This card still carries the old member data, which was accepted until %1 only. Replace the card (补卡) for the member; the balance moves with the member.</translation>
    </message>
    <message>
        <source>This card still carries the old member data, which is no longer accepted. Replace the card (补卡) for the member.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Old card</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>This card was replaced by a newer card. Keep it and call the manager.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Card refused</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The chip names a different card number than our records. Keep it and call the manager.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>This IC card is not one of ours or was copied. Keep it and call the manager.</source>
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
        <source>Head office online · %1 to upload</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Offline · %1 to upload</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Offline too long · %1 to upload · call head office</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Head office refused %1 event(s) · ask the manager to check them</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Clock is behind · %1 to upload · set the date and time</source>
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
        <source>Card reader connecting…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Card reader offline: check its cable</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Card reader unplugged</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Card service (PC/SC) not running</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Card reader stopped</source>
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
        <source>Member cards</source>
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
        <source>Devices</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Reports</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Head office sync</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Restore backup</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Close (Esc)</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>MemberCardsScreen</name>
    <message>
        <source>Swipe or tap a card, or type card no., mobile or name</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Find</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Find a member, or register a new one (办卡).</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Card</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Kind</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Status</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Expires</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Gen.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>When</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Event</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>By</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Shop</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Detail</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Ledger</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Points / amount</source>
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
        <source>Pass</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Uses left</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Price</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>State</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Card history</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Points and balance</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Count passes</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Register 办卡</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Top up 充值</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Refund 退卡/取款</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Report lost 挂失</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Unblock 解挂</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Replace 补卡</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Renew 延期</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Cancel 注销</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Member PIN 密码</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Birthday gift 生日礼</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Diamond gift 季度礼</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Refund pass 退次卡</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Package 储值套餐</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Refund package 退套餐</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>No member found. Check the number, or register the member (办卡).</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>lunar</source>
        <translation>lunar</translation>
    </message>
    <message>
        <source>solar</source>
        <translation>solar</translation>
    </message>
    <message>
        <source>&lt;b&gt;%1&lt;/b&gt; · %2 · %3&lt;br&gt;Balance %4 (paid-in %5, bonus %6)&lt;br&gt;Points %7 (accumulated %8)&lt;br&gt;Birthday %9</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Member PIN set</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>No member PIN</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>agrees to messages</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>no messages</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>magnetic</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>IC</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>virtual</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>refunded</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>used up</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>open</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>issued</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>reported lost</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>unblocked</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>replaced</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>renewed</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>cancelled</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>PIN set</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>tier upgraded</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>by card %1, fee %2</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>replaces card %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>joined by receipt %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>until %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>refund %1, %2 points forfeited</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>first PIN</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>changed</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>reset</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1 is neither a card number nor a receipt.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>No receipt printer is set up: the slip was not printed.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The slip waits for reprint (F9).</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Find the member and pick a card first.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Member %1 registered with card %2 (%3).</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Card %1 · balance %2</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Topped up %1 (bonus %2). New balance %3.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Package %1 sold: %2 paid in, bonus %3. New balance %4.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Package %1 refunded: %2 paid back. Balance left %3.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Paid out %1 in cash. Balance left %2.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Report lost (挂失)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Block the card</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Card %1 is blocked at once: it gets no member price, earns nothing and cannot pay, in every shop.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Card %1 reported lost and blocked.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Unblock (解挂)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Unblock the card</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The lost card %1 turned up: it works again.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Card %1 unblocked.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Card %1 replaced by %2; balance %3 and points moved.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>never</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Card %1 now valid until %2.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Membership cancelled; %1 paid back in cash.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Member PIN saved.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>birthday gift</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>quarterly Diamond gift</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Hand over a gift</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Hand the %1 to %2 now? It is recorded and cannot be given twice.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Gift handed over</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The %1 for %2 is recorded.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Pick the count pass in the passes table first.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Refund count pass (退次卡)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Refund the unused %1 of %2 uses of %3: about %4 back by the original payment. The pass closes.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Refund pass</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Pass refunded: %1 back (receipt %2).</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>MemberCode</name>
    <message>
        <source>This member code has expired (an old screen or a screenshot). Ask the member to refresh the member page and scan again.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>This member code is not valid yet: the till&apos;s clock may be behind. Check the till&apos;s date and time, or swipe the card.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>This member code was already used at this till. Ask the member to wait for the next code (it changes every half minute).</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>This member code is not genuine (head office did not sign it). Do not give member prices; ask for the card or the member page.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>This till cannot check this member code yet (head office&apos;s key is missing or retired). Sync the till, or swipe the card.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>This till has not received head office&apos;s keys yet, so it cannot check member codes. Sync the till once, or swipe the card.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The numeric member code is checked by head office, which cannot be reached now. Scan the QR code on the member&apos;s phone, or swipe the card.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Head office says this member&apos;s card is blocked (reported lost or cancelled). No member price; the member can ask at the service desk.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>This is not a readable member code. Ask the member to show the code again, brighter and closer to the scanner.</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>MemberPanelWidget</name>
    <message>
        <source>Mobile</source>
        <translation>Mobile</translation>
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
        <source>Points lapsing</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Coupons</source>
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
        <source>Lapses on %1: earn %2 more points to keep it</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Lapses on %1: a qualifying receipt keeps it</source>
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
        <source>%1 points after %2</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1 usable (Ctrl+Q)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1 pts to a %2 gift</source>
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
    <name>MemberProfileDialog</name>
    <message>
        <source>Member details (head office)</source>
        <translation>Member details (head office)</translation>
    </message>
    <message>
        <source>Asking head office…</source>
        <translation>Asking head office…</translation>
    </message>
    <message>
        <source>Name</source>
        <translation>Name</translation>
    </message>
    <message>
        <source>Mobile</source>
        <translation>Mobile</translation>
    </message>
    <message>
        <source>Gender</source>
        <translation>Gender</translation>
    </message>
    <message>
        <source>Birthday</source>
        <translation>Birthday</translation>
    </message>
    <message>
        <source>Messages</source>
        <translation>Messages</translation>
    </message>
    <message>
        <source>Cards</source>
        <translation>Cards</translation>
    </message>
    <message>
        <source>Log in as a manager first.</source>
        <translation>Log in as a manager first.</translation>
    </message>
    <message>
        <source>From head office; this request is recorded there.</source>
        <translation>From head office; this request is recorded there.</translation>
    </message>
    <message>
        <source>lunar</source>
        <translation>lunar</translation>
    </message>
    <message>
        <source>solar</source>
        <translation>solar</translation>
    </message>
    <message>
        <source>male</source>
        <translation>male</translation>
    </message>
    <message>
        <source>female</source>
        <translation>female</translation>
    </message>
    <message>
        <source>yes</source>
        <translation>yes</translation>
    </message>
    <message>
        <source>no</source>
        <translation>no</translation>
    </message>
</context>
<context>
    <name>MemberSearchDialog</name>
    <message>
        <source>Member</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Swipe or tap the card, scan the member code, or type a card number, a mobile number or its last 4 digits, a name or a surname.</source>
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
        <source>Full details (head office)…</source>
        <translation>Full details (head office)…</translation>
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
    <name>PackageDialog</name>
    <message>
        <source>Cannot refund: the package&apos;s %1 points were already spent (%2 left). Nothing was changed.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Cannot refund: the package&apos;s paid-in money %1 was already spent (%2 left on the card). Nothing was changed.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>This package sale was already refunded.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Not possible: %1</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>PackageRefundDialog</name>
    <message>
        <source>Refund a top-up package (退套餐)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Refund package</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>refunded %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Package sale</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The refund</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Paid back by</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>This member has no package sale at this till to refund.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Working out the refund…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Paid back: %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>coupons used %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>bonus spent %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>pass visits used %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Kept out of the refund: %1 (%2)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Points taken back: %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Unused coupons withdrawn: %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Count pass closed: %1 unused uses</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Tier back to %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Bonus money is taken back and never paid out.</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>PackageSellDialog</name>
    <message>
        <source>Top-up package (储值套餐)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Sell package</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Bank slip or payment number (not for cash)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Package</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>It gives</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Paid by</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Reference</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>No top-up package is in force: head office publishes them (sync first).</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Pay %1 · the card gets %2</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Bonus money %1 (not refundable)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1 points</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Coupon %1 × %2</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Count pass %1: %2 uses</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Tier upgrade to %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Not on this till yet: %1 (sync first)</source>
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
        <source>Cash rounding</source>
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
        <source>%1 (cash %2)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1: balance %2 · %3 points · stored value can pay up to %4 · points can pay up to %5</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Set the member&apos;s PIN now</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Manager authorises without a PIN</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>This member has no PIN yet, and paying more than %1 from stored value needs one.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1 can pay at most %2 here: %2 taken.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1 cannot pay any more of this sale.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>setting a member PIN</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>paying from stored value without a PIN</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Authorised by %1 without a PIN.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>PIN set. The member types it to pay.</source>
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
        <translation>Name</translation>
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
    <name>QAbstractFileIconProvider</name>
    <message>
        <source>Drive</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Folder</source>
        <comment>All other platforms</comment>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1 File</source>
        <comment>All other platforms</comment>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>File</source>
        <comment>All other platforms</comment>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>QFileDialog</name>
    <message>
        <source>&amp;Look in:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Files of &amp;type:</source>
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
        <source>%1   %2   %3 item(s)   %4</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>no member</source>
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
    <name>ReportsScreen</name>
    <message>
        <source>Today</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>This month</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Show</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Export to Excel</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Excel export is not set up on this till</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>By day</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>By hour</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>By cashier</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>By tender</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>By category</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>By product</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Birthdays in the next </source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source> days</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>All reminders</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Sales</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Member analysis</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Reminders</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>From</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>to</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Reports are not available on this till.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Lines</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Payments</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Qty</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Amount (net of returns)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Sales %1 %2</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Total %1 · %2</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Members</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>New members in the period</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Members who bought</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Member sales</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Members&apos; share of sales</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Revenue</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Member revenue</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Members&apos; share of revenue</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Average ticket 客单价, members</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Average ticket 客单价, non-members</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Points outstanding (liability)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Stored value outstanding (liability)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Member analysis %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Figure</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Value</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Amount</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Birthday</source>
        <translation>Birthday</translation>
    </message>
    <message>
        <source>Low balance</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Card expiring</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Dormant</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Can redeem a gift</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>leap </source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>lunar %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>solar %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>last purchase %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>expires %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1 points</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>yes</source>
        <translation>yes</translation>
    </message>
    <message>
        <source>no</source>
        <translation>no</translation>
    </message>
    <message>
        <source>Reminder</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Member</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Mobile</source>
        <translation>Mobile</translation>
    </message>
    <message>
        <source>Detail</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Agrees to messages</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Excel files (*.xlsx)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Saved %1</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>RestoreScreen</name>
    <message>
        <source>Put a backup made with 备份 / pos backup in place of this till&apos;s database. The current database is kept beside it. Sales made after the backup that head office already received stay at head office; the till starts a new sync epoch so nothing is sent twice or lost. The app restarts afterwards.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Choose a backup file…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Backup file</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Till backups (*.sqlite3 *.db *.bak);;All files (*)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Restore the backup of %1 (last sale or change recorded %2, %3 event(s))?

Everything done on this till after that time leaves this till&apos;s database (it is kept in a file beside it). What head office received stays there. A new sync epoch starts and the app restarts.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Restore backup</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Restoring…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Restored: sync epoch %1, %2 event(s) to send. The previous database is kept as %3. Restarting…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Not restored: %1</source>
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
        <source>Preview receipt (Ctrl+P)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Save receipt as PDF…</source>
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
        <source>Top up</source>
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
        <source>Coupon</source>
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
        <source>That is receipt %1: press F7 for a return.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Card %1 (%2) was refused.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Card %1 was refused.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The sale stays with member %1 (card %2).</source>
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
        <source>Void line</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Void line %1: %2 × %3, %4?</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Void (Enter)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Keep (Esc)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>voiding a line</source>
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
        <source>Cash back %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Back to the member card %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Back as points %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Back to %1 %2</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>New card balance %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Save receipt as PDF</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>PDF files (*.pdf)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Receipt saved as %1</source>
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
        <source>Swipe the member card first, then top up (Ctrl+T).</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1 · card %2 · balance %3</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Packages 套餐…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Package %1 sold: %2 paid in, bonus %3. New balance %4.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Confirm top-up</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Top up %1 for %2 (card %3)?
Bonus %4: the card gets %5.
Paid by %6.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Top up (Enter)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Back (Esc)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>a top-up</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Topped up %1 (bonus %2). New balance %3.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>opening the drawer</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Open drawer without a sale</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Why is the drawer opened? (e.g. change for a note)</source>
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
        <source>%1 (received %2)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Sale %1 done. %2. Printing the receipt…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>No receipt to print yet.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>No receipt printer is set up: nothing was printed. Preview the receipt or save it as a PDF.</source>
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
        <source>Shop address</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Shop phone</source>
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
        <source>Head office address</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Save</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Saved. The shop name and receipt footer are used from the next receipt; device changes apply after a restart.</source>
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
        <source>Print Z report</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Save Z report as PDF…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Counted cash ¥</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Expected cash %1, counted %2.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1 basket(s) are still on hold: they stay on hold and are listed on the Z report.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Close the shift?</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Back</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Short by %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Over by %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The drawer balances.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>No receipt printer is set up: save the Z report as a PDF instead.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Z report printed.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The printer did not print the Z report; it waits for reprint (F9).</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Save Z report as PDF</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>PDF files (*.pdf)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Z report saved as %1</source>
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
    <message>
        <source>Still on hold: %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1 · %2 item(s) · %3 %4</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1 basket(s) are still on hold: recall them (F6) or they stay on hold into the next shift.</source>
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
    <name>SyncScreen</name>
    <message>
        <source>An amount or quantity is impossibly large.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The till&apos;s clock stamp on this change is wrong (date and time far off).</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The record is incomplete or damaged.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The record is too large to accept.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Head office does not know this kind of record (update the till).</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Head office already holds a different record with this number.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Another till already sent a record with this number.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Head office could not book it (its data did not fit).</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Refused by head office (%1).</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Sale or return</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Stored value</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Points</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Member card</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Member</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Cash drawer</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Shift</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Count pass</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1 min ago</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1 h ago</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1 days ago</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Last contact with head office:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Waiting to be sent:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Till clock:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>When</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>What</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Why head office refused it</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>No.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Sync now</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Mark resolved…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Refused by head office (a person must deal with each one):</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>This till is not enrolled with head office.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Ask head office for an enrolment code, then run on this till: pos sync --enrol CODE --url HEAD-OFFICE-ADDRESS. Everything recorded meanwhile is kept and sent after enrolment.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Never</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>offline now</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1 event(s)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Behind: the date and time were set back. Offline limits use the stricter reading; set the clock.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Ahead of the time since the last contact; offline limits use the stricter reading.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>OK</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Could not read the sync state: %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Syncing…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Synced: %1 sent.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Head office could not be reached; the till keeps selling and tries again.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Pick a refused event first.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Mark resolved</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>What was done (e.g. re-entered, head office told):</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Only a manager can mark a refused event resolved.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Marked resolved.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Already resolved.</source>
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
        <translation>Name</translation>
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
