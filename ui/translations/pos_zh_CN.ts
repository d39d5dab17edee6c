<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="zh_CN">
<context>
    <name>BasketTableModel</name>
    <message>
        <source>No.</source>
        <translation>序号</translation>
    </message>
    <message>
        <source>Barcode</source>
        <translation>条码</translation>
    </message>
    <message>
        <source>Item</source>
        <translation>商品</translation>
    </message>
    <message>
        <source>Qty</source>
        <translation>数量</translation>
    </message>
    <message>
        <source>Price</source>
        <translation>单价</translation>
    </message>
    <message>
        <source>Discount</source>
        <translation>折扣</translation>
    </message>
    <message>
        <source>Amount</source>
        <translation>金额</translation>
    </message>
</context>
<context>
    <name>CardCancelDialog</name>
    <message>
        <source>Cancel membership (注销)</source>
        <translation>注销会员</translation>
    </message>
    <message>
        <source>Cancel membership</source>
        <translation>注销会员</translation>
    </message>
    <message>
        <source>Cancel the membership of %1?
• Paid back in cash: %2
• Forfeited: bonus balance %3, %4 points
• Unused count passes: %5 (refund them first)
• Every card of the member is closed for good.</source>
        <translation>确定注销会员 %1？
• 现金退还：%2
• 作废：赠送余额 %3，积分 %4 分
• 未用完的计次卡：%5 张（请先退次卡）
• 该会员的所有卡将永久关闭。</translation>
    </message>
    <message>
        <source>I explained this to the member and they agree</source>
        <translation>已向会员说明，会员同意</translation>
    </message>
</context>
<context>
    <name>CardDialogs</name>
    <message>
        <source>Cancel</source>
        <translation>取消</translation>
    </message>
    <message>
        <source>The mobile number the member says</source>
        <translation>会员报出的手机号</translation>
    </message>
    <message>
        <source>ID card last 6 digits or security answer</source>
        <translation>身份证后6位或安全问题答案</translation>
    </message>
    <message>
        <source>I saw the member&apos;s ID card (when no answer is on file)</source>
        <translation>已核对会员身份证（未留答案时）</translation>
    </message>
    <message>
        <source>Mobile</source>
        <translation>手机号</translation>
    </message>
    <message>
        <source>ID / answer</source>
        <translation>证件/答案</translation>
    </message>
    <message>
        <source>Swipe the card or type the printed number</source>
        <translation>刷卡或输入卡面号码</translation>
    </message>
    <message>
        <source>Magnetic / printed card</source>
        <translation>磁条卡/印号卡</translation>
    </message>
    <message>
        <source>IC card on the reader</source>
        <translation>读卡器上的IC卡</translation>
    </message>
    <message>
        <source>No IC card reader is set up on this till</source>
        <translation>本收银机未配置IC读卡器</translation>
    </message>
    <message>
        <source>Card</source>
        <translation>卡</translation>
    </message>
    <message>
        <source>Card number</source>
        <translation>卡号</translation>
    </message>
</context>
<context>
    <name>CardPinDialog</name>
    <message>
        <source>Member PIN</source>
        <translation>会员密码</translation>
    </message>
    <message>
        <source>Save PIN</source>
        <translation>保存密码</translation>
    </message>
    <message>
        <source>Set the first PIN</source>
        <translation>首次设置密码</translation>
    </message>
    <message>
        <source>Change (member types the old PIN)</source>
        <translation>修改（会员输入旧密码）</translation>
    </message>
    <message>
        <source>Reset (forgotten: identity check)</source>
        <translation>重置（忘记密码：核验身份）</translation>
    </message>
    <message>
        <source>What</source>
        <translation>操作</translation>
    </message>
    <message>
        <source>Old PIN</source>
        <translation>旧密码</translation>
    </message>
    <message>
        <source>New PIN (4-8 digits)</source>
        <translation>新密码（4-8位数字）</translation>
    </message>
    <message>
        <source>New PIN again</source>
        <translation>再次输入新密码</translation>
    </message>
</context>
<context>
    <name>CardRefundDialog</name>
    <message>
        <source>Refund balance (退卡/取款)</source>
        <translation>退卡取款</translation>
    </message>
    <message>
        <source>Pay out</source>
        <translation>退款</translation>
    </message>
    <message>
        <source>Paid-in balance %1 can be paid out in cash. Bonus %2 is never refunded.</source>
        <translation>实充余额 %1 可退现金。赠送金额 %2 不退。</translation>
    </message>
    <message>
        <source>Amount ¥</source>
        <translation>金额 ¥</translation>
    </message>
    <message>
        <source>Member PIN</source>
        <translation>会员密码</translation>
    </message>
</context>
<context>
    <name>CardRegisterDialog</name>
    <message>
        <source>Register a member and issue a card (办卡)</source>
        <translation>会员登记并办卡</translation>
    </message>
    <message>
        <source>Register and issue</source>
        <translation>登记并发卡</translation>
    </message>
    <message>
        <source>Not given</source>
        <translation>未填</translation>
    </message>
    <message>
        <source>Female</source>
        <translation>女</translation>
    </message>
    <message>
        <source>Male</source>
        <translation>男</translation>
    </message>
    <message>
        <source>YYYY-MM-DD, e.g. 1990-04-15</source>
        <translation>年-月-日，例如 1990-04-15</translation>
    </message>
    <message>
        <source>Solar (公历)</source>
        <translation>公历</translation>
    </message>
    <message>
        <source>Lunar (农历)</source>
        <translation>农历</translation>
    </message>
    <message>
        <source>Leap month (闰月)</source>
        <translation>闰月</translation>
    </message>
    <message>
        <source>The member agrees to receive messages (recorded with the time)</source>
        <translation>会员同意接收消息（记录同意时间）</translation>
    </message>
    <message>
        <source>Card number of the member who referred them</source>
        <translation>推荐人的会员卡号</translation>
    </message>
    <message>
        <source>ID card last 6 digits or a security answer</source>
        <translation>身份证后6位或安全问题答案</translation>
    </message>
    <message>
        <source>Scan today&apos;s receipt to join a higher tier</source>
        <translation>扫描当天小票，按消费金额入会更高等级</translation>
    </message>
    <message>
        <source>Name</source>
        <translation>姓名</translation>
    </message>
    <message>
        <source>Mobile</source>
        <translation>手机号</translation>
    </message>
    <message>
        <source>Gender</source>
        <translation>性别</translation>
    </message>
    <message>
        <source>Birthday</source>
        <translation>生日</translation>
    </message>
    <message>
        <source>ID / answer</source>
        <translation>证件/答案</translation>
    </message>
    <message>
        <source>Referred by</source>
        <translation>推荐人</translation>
    </message>
    <message>
        <source>Same-day receipt</source>
        <translation>当天小票</translation>
    </message>
    <message>
        <source>11 digits, 13-19…</source>
        <translation>11位，13-19开头…</translation>
    </message>
</context>
<context>
    <name>CardRenewDialog</name>
    <message>
        <source>Renew card (延期)</source>
        <translation>会员卡延期</translation>
    </message>
    <message>
        <source>Renew</source>
        <translation>延期</translation>
    </message>
    <message>
        <source>Card %1 expires: %2. Annual fee: %3.</source>
        <translation>卡 %1 有效期至：%2。年费：%3。</translation>
    </message>
    <message>
        <source> days</source>
        <translation> 天</translation>
    </message>
    <message>
        <source>Extend by</source>
        <translation>延长</translation>
    </message>
</context>
<context>
    <name>CardReplaceDialog</name>
    <message>
        <source>Replace card (补卡)</source>
        <translation>补卡</translation>
    </message>
    <message>
        <source>Replace card</source>
        <translation>补卡</translation>
    </message>
    <message>
        <source>Card %1 will be dead for good. Balance, points, tier and passes move to the new card. Replacement fee: %2.</source>
        <translation>卡 %1 将永久作废。余额、积分、等级和计次卡转到新卡。补卡费：%2。</translation>
    </message>
</context>
<context>
    <name>CardTopUpDialog</name>
    <message>
        <source>Top up (充值)</source>
        <translation>充值</translation>
    </message>
    <message>
        <source>Confirm top-up</source>
        <translation>确认充值</translation>
    </message>
    <message>
        <source>Bank slip or payment number (not for cash)</source>
        <translation>银行或支付流水号（现金不填）</translation>
    </message>
    <message>
        <source>Amount ¥</source>
        <translation>金额 ¥</translation>
    </message>
    <message>
        <source>Paid by</source>
        <translation>付款方式</translation>
    </message>
    <message>
        <source>Reference</source>
        <translation>流水号</translation>
    </message>
    <message>
        <source>Bonus</source>
        <translation>赠送</translation>
    </message>
    <message>
        <source>%1 bonus (not refundable) · the card gets %2</source>
        <translation>赠送 %1（不可退）· 卡内共增加 %2</translation>
    </message>
</context>
<context>
    <name>CouponDialog</name>
    <message>
        <source>Apply a coupon</source>
        <translation>使用优惠券</translation>
    </message>
    <message>
        <source>Scan or type the coupon code</source>
        <translation>扫描或输入券码</translation>
    </message>
    <message>
        <source>Apply</source>
        <translation>使用</translation>
    </message>
    <message>
        <source>%1   valid to %2   %3</source>
        <translation>%1   有效期至 %2   %3</translation>
    </message>
    <message>
        <source>The member&apos;s coupons usable here (double-click or Enter to apply)</source>
        <translation>会员在本店可用的优惠券（双击或回车使用）</translation>
    </message>
    <message>
        <source>Attach the member card (F2) to see their coupons</source>
        <translation>先刷会员卡（F2）才能看到会员的优惠券</translation>
    </message>
    <message>
        <source>Close (Esc)</source>
        <translation>关闭 (Esc)</translation>
    </message>
</context>
<context>
    <name>DeviceSettingsScreen</name>
    <message>
        <source>OK: the test page printed.</source>
        <translation>正常：测试页已打印。</translation>
    </message>
    <message>
        <source>OK: the test page printed. The paper is running low.</source>
        <translation>正常：测试页已打印。纸卷快用完了。</translation>
    </message>
    <message>
        <source>Sent: this connection reports no status; check the test page.</source>
        <translation>已发送：此连接无法读取打印机状态，请查看测试页是否打出。</translation>
    </message>
    <message>
        <source>OK: the drawer opened.</source>
        <translation>正常：钱箱已弹开。</translation>
    </message>
    <message>
        <source>OK: the port is open. Swipe a card to try the reader.</source>
        <translation>正常：端口已打开。请刷一张卡试试读卡器。</translation>
    </message>
    <message>
        <source>OK: the port is open. Scan a code to try the scanner.</source>
        <translation>正常：端口已打开。请扫一个条码试试扫描枪。</translation>
    </message>
    <message>
        <source>OK: the card reader answered.</source>
        <translation>正常：读卡器已应答。</translation>
    </message>
    <message>
        <source>OK: the display shows TEST.</source>
        <translation>正常：客显已显示 TEST。</translation>
    </message>
    <message>
        <source>OK: %1 · a card is on the reader.</source>
        <translation>正常：%1 · 读卡器上有卡。</translation>
    </message>
    <message>
        <source>OK: %1 · no card on the reader.</source>
        <translation>正常：%1 · 读卡器上没有卡。</translation>
    </message>
    <message>
        <source>Enter the address first.</source>
        <translation>请先填写地址或端口。</translation>
    </message>
    <message>
        <source>The printer is out of paper: put in a new roll.</source>
        <translation>打印机缺纸：请装入新纸卷。</translation>
    </message>
    <message>
        <source>The printer cover is open: close it.</source>
        <translation>打印机上盖打开：请合上。</translation>
    </message>
    <message>
        <source>The printer is offline: press its feed button or switch it off and on.</source>
        <translation>打印机离线：请按走纸键，或关机再开机。</translation>
    </message>
    <message>
        <source>The printer reports a fault (cutter jam?): open it, clear it, close it.</source>
        <translation>打印机报故障（切刀卡纸？）：请打开清理后合上。</translation>
    </message>
    <message>
        <source>No answer: check the cable, the power and the baud rate.</source>
        <translation>设备无应答：请检查连接线、电源和波特率。</translation>
    </message>
    <message>
        <source>Cannot connect (%1): check the address, the cable and the power.</source>
        <translation>无法连接（%1）：请检查地址、连接线和电源。</translation>
    </message>
    <message>
        <source>The connection broke during the test: check the cable.</source>
        <translation>测试中连接断开：请检查连接线。</translation>
    </message>
    <message>
        <source>Unexpected answer (%1): not an ESC/POS printer, or a wrong baud rate.</source>
        <translation>应答异常（%1）：不是 ESC/POS 打印机，或波特率不对。</translation>
    </message>
    <message>
        <source>This address cannot be used (%1).</source>
        <translation>此地址无法使用（%1）。</translation>
    </message>
    <message>
        <source>Cannot open the port (%1): check the name and that no other program uses it.</source>
        <translation>无法打开端口（%1）：请检查端口名称，并确认没有其他程序占用。</translation>
    </message>
    <message>
        <source>Invalid setting (%1).</source>
        <translation>设置无效（%1）。</translation>
    </message>
    <message>
        <source>No card reader is connected.</source>
        <translation>没有连接读卡器。</translation>
    </message>
    <message>
        <source>No reader named &quot;%1&quot; is connected: pick one from the list.</source>
        <translation>没有名为“%1”的读卡器：请从列表中选择。</translation>
    </message>
    <message>
        <source>The smart card service (PC/SC) is not running.</source>
        <translation>智能卡服务（PC/SC）没有运行。</translation>
    </message>
    <message>
        <source>The card reader reported an error (%1).</source>
        <translation>读卡器报错（%1）。</translation>
    </message>
    <message>
        <source>The printer reported an error (%1).</source>
        <translation>打印机报错（%1）。</translation>
    </message>
    <message>
        <source>Unexpected result (%1).</source>
        <translation>未知结果（%1）。</translation>
    </message>
    <message>
        <source>Font has GB18030 (rare characters such as 𠮷)</source>
        <translation>字库支持 GB18030（𠮷 等生僻字）</translation>
    </message>
    <message>
        <source>Tick only if the printer&apos;s manual lists GB18030. Otherwise a character the printer cannot print shows as a square.</source>
        <translation>仅当打印机说明书写明支持 GB18030 时勾选。否则打印机打不出的字会印成方框。</translation>
    </message>
    <message>
        <source>Pin 2</source>
        <translation>2 号针脚</translation>
    </message>
    <message>
        <source>Pin 5</source>
        <translation>5 号针脚</translation>
    </message>
    <message>
        <source>MagTek (ASCII)</source>
        <translation>MagTek（ASCII）</translation>
    </message>
    <message>
        <source>8-digit LED (2400 baud)</source>
        <translation>8 位 LED 客显（2400 波特）</translation>
    </message>
    <message>
        <source>ASCII digit &apos;0&apos;-&apos;4&apos;</source>
        <translation>ASCII 数字 &apos;0&apos;-&apos;4&apos;</translation>
    </message>
    <message>
        <source>Raw byte 00-04</source>
        <translation>原始字节 00-04</translation>
    </message>
    <message>
        <source>How the 8-digit LED display takes the light command (ESC s n). If the 单价/总计/收款/找零 lights stay dark or wrong in the test, try the other choice.</source>
        <translation>8 位 LED 客显接收指示灯指令（ESC s n）的方式。测试时如果“单价/总计/收款/找零”灯不亮或亮错，请换另一种。</translation>
    </message>
    <message>
        <source>none</source>
        <translation>无</translation>
    </message>
    <message>
        <source>Track 1</source>
        <translation>第 1 磁道</translation>
    </message>
    <message>
        <source>Track 2</source>
        <translation>第 2 磁道</translation>
    </message>
    <message>
        <source>Track 3</source>
        <translation>第 3 磁道</translation>
    </message>
    <message>
        <source>all</source>
        <translation>全部</translation>
    </message>
    <message>
        <source>e.g. 88,66</source>
        <translation>例如 88,66</translation>
    </message>
    <message>
        <source>e.g. 12,16</source>
        <translation>例如 12,16</translation>
    </message>
    <message>
        <source>Empty: the first reader</source>
        <translation>留空：使用第一个读卡器</translation>
    </message>
    <message>
        <source>Refresh list</source>
        <translation>刷新列表</translation>
    </message>
    <message>
        <source>Receipt printer</source>
        <translation>小票打印机</translation>
    </message>
    <message>
        <source>Address</source>
        <translation>地址</translation>
    </message>
    <message>
        <source>Paper · columns</source>
        <translation>纸宽 · 每行字数</translation>
    </message>
    <message>
        <source>Receipt language</source>
        <translation>小票语言</translation>
    </message>
    <message>
        <source>Cash drawer (on the printer)</source>
        <translation>钱箱（接在打印机上）</translation>
    </message>
    <message>
        <source>Drawer connector</source>
        <translation>钱箱接口</translation>
    </message>
    <message>
        <source>Open drawer</source>
        <translation>弹开钱箱</translation>
    </message>
    <message>
        <source>Serial card reader</source>
        <translation>串口刷卡器</translation>
    </message>
    <message>
        <source>Port</source>
        <translation>端口</translation>
    </message>
    <message>
        <source>Protocol</source>
        <translation>协议</translation>
    </message>
    <message>
        <source>Baud</source>
        <translation>波特率</translation>
    </message>
    <message>
        <source>Serial barcode scanner</source>
        <translation>串口扫描枪</translation>
    </message>
    <message>
        <source>Customer display</source>
        <translation>客显</translation>
    </message>
    <message>
        <source>Model</source>
        <translation>型号</translation>
    </message>
    <message>
        <source>LED lights (ESC s n)</source>
        <translation>LED 指示灯（ESC s n）</translation>
    </message>
    <message>
        <source>USB keyboard-wedge readers and scanners</source>
        <translation>USB 键盘口读卡器和扫码枪</translation>
    </message>
    <message>
        <source>Prefix</source>
        <translation>前缀</translation>
    </message>
    <message>
        <source>Key gap</source>
        <translation>按键间隔</translation>
    </message>
    <message>
        <source>End after</source>
        <translation>停顿结束</translation>
    </message>
    <message>
        <source>Shortest barcode</source>
        <translation>条码最短位数</translation>
    </message>
    <message>
        <source>Card number: track</source>
        <translation>卡号：磁道</translation>
    </message>
    <message>
        <source>field</source>
        <translation>字段</translation>
    </message>
    <message>
        <source>skip characters</source>
        <translation>跳过字符</translation>
    </message>
    <message>
        <source>length</source>
        <translation>长度</translation>
    </message>
    <message>
        <source>Bare digits are a card number: prefixes</source>
        <translation>纯数字视为卡号：前缀</translation>
    </message>
    <message>
        <source>lengths</source>
        <translation>位数</translation>
    </message>
    <message>
        <source>IC card reader (PC/SC)</source>
        <translation>IC 卡读卡器（PC/SC）</translation>
    </message>
    <message>
        <source>Reader</source>
        <translation>读卡器</translation>
    </message>
    <message>
        <source>Save devices</source>
        <translation>保存设备设置</translation>
    </message>
    <message>
        <source>Device tests are not available here.</source>
        <translation>此处无法测试设备。</translation>
    </message>
    <message>
        <source>Ports</source>
        <translation>端口</translation>
    </message>
    <message>
        <source>Test</source>
        <translation>测试</translation>
    </message>
    <message>
        <source>Card number prefixes are digits separated by commas, e.g. 88,66.</source>
        <translation>会员卡号前缀请填数字，用逗号分隔，例如 88,66。</translation>
    </message>
    <message>
        <source>Card number lengths are numbers from 4 to 32 separated by commas, e.g. 12,16.</source>
        <translation>会员卡号长度请填 4 到 32 之间的数字，用逗号分隔，例如 12,16。</translation>
    </message>
    <message>
        <source>Testing…</source>
        <translation>正在测试…</translation>
    </message>
    <message>
        <source>Serial ports on this computer: %1</source>
        <translation>本机串口：%1</translation>
    </message>
    <message>
        <source>No serial ports found: plug in the device or its USB adapter, then press Refresh list.</source>
        <translation>没有找到串口：请插上设备或 USB 转串口线，再按“刷新列表”。</translation>
    </message>
    <message>
        <source>Saved. Device changes apply after a restart.</source>
        <translation>已保存。设备设置重启后生效。</translation>
    </message>
</context>
<context>
    <name>ErrorMessages</name>
    <message>
        <source>This card was reported lost on %1 at %2.</source>
        <translation>此卡已于 %1 在 %2 挂失。</translation>
    </message>
    <message>
        <source>This card was reported lost on %1.</source>
        <translation>此卡已于 %1 挂失。</translation>
    </message>
    <message>
        <source>This card expired on %1.</source>
        <translation>此卡已于 %1 过期。</translation>
    </message>
    <message>
        <source>This card was cancelled on %1.</source>
        <translation>此卡已于 %1 注销。</translation>
    </message>
    <message>
        <source>This card was replaced by a new card on %1.</source>
        <translation>此卡已于 %1 换发新卡。</translation>
    </message>
    <message>
        <source>This card cannot be used (%1).</source>
        <translation>此卡不能使用（%1）。</translation>
    </message>
    <message>
        <source>The coupon needs %1 more of goods it covers.</source>
        <translation>还差 %1 的适用商品才能使用此券。</translation>
    </message>
    <message>
        <source>Excluded goods (%1) do not count towards the coupon: %2 more of other goods is needed.</source>
        <translation>不参与此券的商品（%1）不计入门槛：还需要 %2 的其他商品。</translation>
    </message>
    <message>
        <source>The coupon does not cover these goods (%1).</source>
        <translation>此券不适用于这些商品（%1）。</translation>
    </message>
    <message>
        <source>The coupon expired on %1.</source>
        <translation>此券已于 %1 过期。</translation>
    </message>
    <message>
        <source>The coupon can be used from %1.</source>
        <translation>此券自 %1 起才能使用。</translation>
    </message>
    <message>
        <source>The coupon was already used at %1 on %2.</source>
        <translation>此券已于 %2 在 %1 使用过。</translation>
    </message>
    <message>
        <source>The coupon belongs to another member: attach that member&apos;s card first.</source>
        <translation>此券属于其他会员：请先刷该会员的卡。</translation>
    </message>
    <message>
        <source>The coupon cannot be used in this shop.</source>
        <translation>此券不能在本店使用。</translation>
    </message>
    <message>
        <source>None of the goods in the basket are covered by the coupon.</source>
        <translation>购物篮里没有此券适用的商品。</translation>
    </message>
    <message>
        <source>This coupon cannot be used together with another coupon.</source>
        <translation>此券不能与其他优惠券同时使用。</translation>
    </message>
    <message>
        <source>This coupon is already on the sale.</source>
        <translation>此券已在本单使用。</translation>
    </message>
    <message>
        <source>This till has taken as many coupons as it may before head office confirms them: sync first (or take %1 less).</source>
        <translation>本收银机未经总部确认的用券额度已满：请先同步（或少用 %1）。</translation>
    </message>
    <message>
        <source>The member already holds as many of these coupons as allowed.</source>
        <translation>该会员持有此券已达上限。</translation>
    </message>
    <message>
        <source>No coupon has the code %1: check it and scan again.</source>
        <translation>没有券码为 %1 的优惠券：请核对后重新扫描。</translation>
    </message>
    <message>
        <source>Scan a barcode or type a SKU, then press Enter.</source>
        <translation>请扫描条码或输入货号，然后按回车。</translation>
    </message>
    <message>
        <source>Swipe or tap the member card first (F2).</source>
        <translation>请先刷会员卡 (F2)。</translation>
    </message>
    <message>
        <source>The basket has lines of this member (a pass visit, a pass bought, a gift for points): remove them first, then change or take off the card.</source>
        <translation>购物车里有该会员的行（次卡消费、购买次卡、积分换礼）：请先删除这些行，再刷其他会员卡或取消会员。</translation>
    </message>
    <message>
        <source>A line that uses a count pass is always one visit.</source>
        <translation>计次卡消费每行只能是一次。</translation>
    </message>
    <message>
        <source>Select a line in the basket first.</source>
        <translation>请先在商品列表中选择一行。</translation>
    </message>
    <message>
        <source>A count pass is not returned here: set its return quantity to 0 and refund the pass on the member cards screen (Refund pass), which takes off the visits already used.</source>
        <translation>计次卡不在这里退货：请把它的退货数量设为 0，到“会员卡管理”用“退次卡”办理（会扣除已用次数）。</translation>
    </message>
    <message>
        <source>Enter a discount rate between 0 and 1, e.g. 0.9 for 10% off.</source>
        <translation>请输入 0 到 1 之间的折扣率，如 0.9 表示 9 折。</translation>
    </message>
    <message>
        <source>The member has no PIN yet or the PIN is not 4 to 8 digits: a manager sets one first.</source>
        <translation>该会员尚未设置密码或密码不是 4 到 8 位数字：请店长先设置密码。</translation>
    </message>
    <message>
        <source>A PIN has 4 to 8 digits.</source>
        <translation>密码为4到8位数字。</translation>
    </message>
    <message>
        <source>Finish or hold the current sale first.</source>
        <translation>请先完成或挂起当前交易。</translation>
    </message>
    <message>
        <source>Every tender must be a positive amount.</source>
        <translation>每笔付款金额必须大于零。</translation>
    </message>
    <message>
        <source>Top up with cash, bank card, WeChat Pay or Alipay.</source>
        <translation>充值请用现金、银行卡、微信支付或支付宝。</translation>
    </message>
    <message>
        <source>Take the fee in cash, by bank card, WeChat Pay, Alipay or from the balance.</source>
        <translation>手续费请用现金、银行卡、微信支付、支付宝或卡内余额支付。</translation>
    </message>
    <message>
        <source>A fee from the balance needs the member&apos;s PIN or signature first.</source>
        <translation>从余额扣手续费须先经会员输入密码或签字确认。</translation>
    </message>
    <message>
        <source>Points can only pay whole amounts (100 points = ¥1.00).</source>
        <translation>积分只能抵整数金额（100 分 = ¥1.00）。</translation>
    </message>
    <message>
        <source>Enter the cash put into the drawer, e.g. 500.00.</source>
        <translation>请输入放入钱箱的备用金，如 500.00。</translation>
    </message>
    <message>
        <source>Enter the cash counted in the drawer.</source>
        <translation>请输入钱箱中实点的现金。</translation>
    </message>
    <message>
        <source>Say why the cash is moved.</source>
        <translation>请填写存取现金的原因。</translation>
    </message>
    <message>
        <source>Check the user name: it is required and must not exist yet.</source>
        <translation>请检查用户名：必须填写且不能与已有用户重复。</translation>
    </message>
    <message>
        <source>The role must be cashier, manager or admin.</source>
        <translation>角色必须是收银员、店长或管理员。</translation>
    </message>
    <message>
        <source>The rule set does not know this tier: sync with head office.</source>
        <translation>会员规则中没有此等级：请与总部同步。</translation>
    </message>
    <message>
        <source>Enter the member&apos;s name (up to 60 characters).</source>
        <translation>请输入会员姓名（最多60个字）。</translation>
    </message>
    <message>
        <source>A mobile number has 11 digits and starts with 13 to 19.</source>
        <translation>手机号为11位数字，以13至19开头。</translation>
    </message>
    <message>
        <source>Choose the gender, or leave it open.</source>
        <translation>请选择性别，或不填。</translation>
    </message>
    <message>
        <source>Check the birthday: no such date in the chosen calendar.</source>
        <translation>请检查生日：所选历法中没有这个日期。</translation>
    </message>
    <message>
        <source>Swipe the card or type its number (letters and digits, up to 40).</source>
        <translation>请刷卡或输入卡号（字母和数字，最多40位）。</translation>
    </message>
    <message>
        <source>Put the IC card on the reader and try again.</source>
        <translation>请把IC卡放在读卡器上再试。</translation>
    </message>
    <message>
        <source>The receipt does not qualify: it must be from today, not used before, and reach a tier&apos;s amount.</source>
        <translation>该小票不符合条件：必须是当天的、未用过的，且金额达到等级要求。</translation>
    </message>
    <message>
        <source>Extend by 1 to 3650 days.</source>
        <translation>延期天数为1到3650天。</translation>
    </message>
    <message>
        <source>This gift is not due for this member today.</source>
        <translation>该会员今天不能领取此礼品。</translation>
    </message>
    <message>
        <source>This card write was already completed.</source>
        <translation>此次写卡已经完成。</translation>
    </message>
    <message>
        <source>Ask the member whether they agree to messages and tick the box.</source>
        <translation>请询问会员是否同意接收消息并勾选。</translation>
    </message>
    <message>
        <source>Select the count pass to refund in the passes table.</source>
        <translation>请在计次卡表中选择要退的计次卡。</translation>
    </message>
    <message>
        <source>No member price</source>
        <translation>不能享受会员价</translation>
    </message>
    <message>
        <source>The card gets no member price, earns no points and cannot pay. Ask for another card or sell without a member.</source>
        <translation>此卡不享受会员价、不积分、不能支付。请顾客出示其他会员卡，或按非会员结账。</translation>
    </message>
    <message>
        <source>mobile number</source>
        <translation>手机号</translation>
    </message>
    <message>
        <source>The %1 %2 already belongs to member %3. Search that member instead of registering again.</source>
        <translation>%1 %2 已属于会员 %3。请查找该会员，不要重复办卡。</translation>
    </message>
    <message>
        <source>the mobile number does not match the member&apos;s</source>
        <translation>手机号与会员登记的不符</translation>
    </message>
    <message>
        <source>the ID digits or security answer do not match</source>
        <translation>证件号码或安全问题答案不符</translation>
    </message>
    <message>
        <source>no security answer is on file: look at the ID card and tick &quot;I saw the ID card&quot;</source>
        <translation>会员未留答案：请核对身份证并勾选“已核对会员身份证”</translation>
    </message>
    <message>
        <source>changing a PIN needs the old PIN, or a reset with the identity check</source>
        <translation>修改密码需要旧密码，或通过身份核验重置</translation>
    </message>
    <message>
        <source>Identity not confirmed: %1. Nothing was changed.</source>
        <translation>身份未核实：%1。未做任何更改。</translation>
    </message>
    <message>
        <source>report it lost</source>
        <translation>挂失</translation>
    </message>
    <message>
        <source>unblock it</source>
        <translation>解挂</translation>
    </message>
    <message>
        <source>replace it</source>
        <translation>补卡</translation>
    </message>
    <message>
        <source>renew it</source>
        <translation>延期</translation>
    </message>
    <message>
        <source>cancel it</source>
        <translation>注销</translation>
    </message>
    <message>
        <source>birthday gift</source>
        <translation>生日礼品</translation>
    </message>
    <message>
        <source>quarterly Diamond gift</source>
        <translation>钻石卡季度礼品</translation>
    </message>
    <message>
        <source>Already given</source>
        <translation>已领取</translation>
    </message>
    <message>
        <source>The %1 for %2 was already handed over.</source>
        <translation>%2 的%1已经领取过了。</translation>
    </message>
    <message>
        <source>Confirmation needed</source>
        <translation>需要确认</translation>
    </message>
    <message>
        <source>Confirm the cancellation first; nothing was changed.</source>
        <translation>请先勾选确认注销；未做任何更改。</translation>
    </message>
    <message>
        <source>Unknown item</source>
        <translation>未知商品</translation>
    </message>
    <message>
        <source>No product has the code %1. Check the code or search by name.</source>
        <translation>没有编码为 %1 的商品。请检查编码或按品名查找。</translation>
    </message>
    <message>
        <source>Unknown card</source>
        <translation>未知会员卡</translation>
    </message>
    <message>
        <source>No member card %1 is known at this till. Search the member by mobile or name.</source>
        <translation>本机没有会员卡 %1。请按手机号或姓名查找会员。</translation>
    </message>
    <message>
        <source>Unknown member</source>
        <translation>未知会员</translation>
    </message>
    <message>
        <source>This member is not known at this till.</source>
        <translation>本机没有此会员的资料。</translation>
    </message>
    <message>
        <source>Receipt not found</source>
        <translation>未找到小票</translation>
    </message>
    <message>
        <source>No sale with receipt %1. Scan the QR code on the receipt or check the number.</source>
        <translation>没有小票号为 %1 的交易。请扫描小票二维码或核对号码。</translation>
    </message>
    <message>
        <source>Not found</source>
        <translation>未找到</translation>
    </message>
    <message>
        <source>Nothing was found for %1.</source>
        <translation>没有找到 %1。</translation>
    </message>
    <message>
        <source>Invalid quantity</source>
        <translation>数量无效</translation>
    </message>
    <message>
        <source>%1 is not a valid quantity. Enter a whole number from 1 to 9999.</source>
        <translation>%1 不是有效数量。请输入 1 到 9999 的整数。</translation>
    </message>
    <message>
        <source>Invalid amount</source>
        <translation>金额无效</translation>
    </message>
    <message>
        <source>&quot;%1&quot; is not an amount. Type it like 12.50.</source>
        <translation>“%1”不是有效金额。请按 12.50 的格式输入。</translation>
    </message>
    <message>
        <source>Amount too large</source>
        <translation>金额过大</translation>
    </message>
    <message>
        <source>%1 is more than the limit of %2. Check the price.</source>
        <translation>%1 超过上限 %2。请检查价格。</translation>
    </message>
    <message>
        <source>Not enough balance</source>
        <translation>余额不足</translation>
    </message>
    <message>
        <source>The card balance is %1 but %2 was asked. Pay the missing %3 another way.</source>
        <translation>卡内余额 %1，本次需付 %2。差额 %3 请用其他方式支付。</translation>
    </message>
    <message>
        <source>Not enough paid-in balance</source>
        <translation>实充余额不足</translation>
    </message>
    <message>
        <source>Only %1 of paid-in balance can be refunded; %2 was asked. Bonus money is never refunded.</source>
        <translation>实充余额只能退 %1，申请退 %2。赠送金额一律不退。</translation>
    </message>
    <message>
        <source>Withdrawal refused</source>
        <translation>不能取款</translation>
    </message>
    <message>
        <source>The rule set keeps paid-in money on the card while %1 of bonus money remains. The member spends the bonus first; nothing was changed.</source>
        <translation>按会员规则，卡内还有赠送金额 %1 时本金不能取出。请会员先用完赠送金额；未做任何更改。</translation>
    </message>
    <message>
        <source>Not enough points</source>
        <translation>积分不足</translation>
    </message>
    <message>
        <source>This needs %1 points; the member has %2.</source>
        <translation>需要 %1 分，会员只有 %2 分。</translation>
    </message>
    <message>
        <source>Member PIN needed</source>
        <translation>需要会员密码</translation>
    </message>
    <message>
        <source>Paying %1 from the card needs the member&apos;s PIN. Ask the member to type it.</source>
        <translation>卡内支付 %1 需要会员密码。请会员输入密码。</translation>
    </message>
    <message>
        <source>Wrong PIN</source>
        <translation>密码错误</translation>
    </message>
    <message>
        <source>The PIN is wrong. %1 tries left before the account is locked.</source>
        <translation>密码错误。再错 %1 次将被锁定。</translation>
    </message>
    <message>
        <source>Not a PIN</source>
        <translation>不是密码</translation>
    </message>
    <message>
        <source>A PIN is 4 to 8 digits, typed by hand; that looked like a scan. Nothing was counted against the account: type the PIN.</source>
        <translation>密码是 4 到 8 位数字，需手工输入；刚才像是扫码。没有计入错误次数，请输入密码。</translation>
    </message>
    <message>
        <source>Locked</source>
        <translation>已锁定</translation>
    </message>
    <message>
        <source>Too many wrong PINs: locked until %1. Ask a manager.</source>
        <translation>密码错误次数过多：锁定至 %1。请找店长。</translation>
    </message>
    <message>
        <source>Head office refused</source>
        <translation>总部拒绝</translation>
    </message>
    <message>
        <source>Head office shows a member&apos;s full details to managers only.</source>
        <translation>会员完整资料只对店长及以上开放。</translation>
    </message>
    <message>
        <source>Head office needed</source>
        <translation>需要连接总部</translation>
    </message>
    <message>
        <source>Full member details are kept at head office only, and this till is not connected to head office.</source>
        <translation>会员完整资料只保存在总部，本收银机未连接总部。</translation>
    </message>
    <message>
        <source>Full member details are kept at head office only, and head office cannot be reached now. Try again when the till is online.</source>
        <translation>会员完整资料只保存在总部，现在连不上总部。请在联网后再试。</translation>
    </message>
    <message>
        <source>Manager needed</source>
        <translation>需要店长授权</translation>
    </message>
    <message>
        <source>A %1 must authorise this. Ask a manager to type their PIN.</source>
        <translation>此操作需要%1授权。请店长输入密码。</translation>
    </message>
    <message>
        <source>Discount too large</source>
        <translation>折扣超出权限</translation>
    </message>
    <message>
        <source>%1% off is more than the %2% your role may give. Ask a manager.</source>
        <translation>优惠 %1% 超过您的权限 %2%。请找店长授权。</translation>
    </message>
    <message>
        <source>Too much paid</source>
        <translation>付款超额</translation>
    </message>
    <message>
        <source>Card, stored value, points and mobile payments may not pay more than %1 due; only cash gives change.</source>
        <translation>银行卡、储值、积分和移动支付不能超过应收 %1；只有现金可以找零。</translation>
    </message>
    <message>
        <source>Not fully paid</source>
        <translation>尚未付清</translation>
    </message>
    <message>
        <source>%1 is due but only %2 was tendered. Add another tender.</source>
        <translation>应收 %1，只付了 %2。请再加一种付款方式。</translation>
    </message>
    <message>
        <source>Too much paid with points</source>
        <translation>积分抵现超额</translation>
    </message>
    <message>
        <source>Points may pay at most %1 of this sale.</source>
        <translation>本单积分最多抵 %1。</translation>
    </message>
    <message>
        <source>No open shift</source>
        <translation>未开班</translation>
    </message>
    <message>
        <source>Open a shift with the cash float first.</source>
        <translation>请先输入备用金开班。</translation>
    </message>
    <message>
        <source>Shift already open</source>
        <translation>班次已开</translation>
    </message>
    <message>
        <source>A shift is already open on this till.</source>
        <translation>本收银机已有一个班次在进行。</translation>
    </message>
    <message>
        <source>Empty basket</source>
        <translation>没有商品</translation>
    </message>
    <message>
        <source>Scan at least one item first.</source>
        <translation>请先扫描至少一件商品。</translation>
    </message>
    <message>
        <source>Too many returned</source>
        <translation>退货数量过多</translation>
    </message>
    <message>
        <source>Line %1: only %2 can still be returned.</source>
        <translation>第 %1 行：最多还能退 %2 件。</translation>
    </message>
    <message>
        <source>Cannot redeem</source>
        <translation>无法兑换</translation>
    </message>
    <message>
        <source>Special-priced and excluded items cannot be taken for points.</source>
        <translation>特价商品和不参与积分的商品不能用积分兑换。</translation>
    </message>
    <message>
        <source>This gift needs %1 points; the member has %2 available.</source>
        <translation>此礼品需要 %1 分，会员可用积分 %2。</translation>
    </message>
    <message>
        <source>Coupon not usable</source>
        <translation>优惠券不可用</translation>
    </message>
    <message>
        <source>the pass has expired</source>
        <translation>计次卡已过期</translation>
    </message>
    <message>
        <source>no uses are left</source>
        <translation>次数已用完</translation>
    </message>
    <message>
        <source>the pass was refunded</source>
        <translation>计次卡已退</translation>
    </message>
    <message>
        <source>the pass belongs to another member</source>
        <translation>该计次卡属于其他会员</translation>
    </message>
    <message>
        <source>Pass not usable</source>
        <translation>计次卡不可用</translation>
    </message>
    <message>
        <source>The pass cannot be used: %1.</source>
        <translation>计次卡不能使用：%1。</translation>
    </message>
    <message>
        <source>Import refused</source>
        <translation>导入被拒绝</translation>
    </message>
    <message>
        <source>%1 line(s) have problems; nothing was imported. Fix them and import again.</source>
        <translation>%1 行有问题，未导入任何数据。请修改后重新导入。</translation>
    </message>
    <message>
        <source>Member exists</source>
        <translation>会员已存在</translation>
    </message>
    <message>
        <source>The till has been offline too long to let balance or points be spent. Take another tender and call head office.</source>
        <translation>收银机离线时间过长，不能使用余额或积分支付。请改用其他付款方式，并联系总部。</translation>
    </message>
    <message>
        <source>This card was used offline as often as allowed. Take another tender.</source>
        <translation>此卡离线使用次数已达上限。请改用其他付款方式。</translation>
    </message>
    <message>
        <source>Offline, this card may spend less. Pay part with another tender.</source>
        <translation>离线状态下此卡可用额度不足。请用其他方式支付差额。</translation>
    </message>
    <message>
        <source>The shop&apos;s offline limit for card spending is reached. Take another tender.</source>
        <translation>本店离线卡内消费额度已用完。请改用其他付款方式。</translation>
    </message>
    <message>
        <source>Spend not authorised</source>
        <translation>未获授权</translation>
    </message>
    <message>
        <source>Head office refused the balance or points spend (%1). Take another tender.</source>
        <translation>总部拒绝了余额或积分支付（%1）。请改用其他付款方式。</translation>
    </message>
    <message>
        <source>Identity not confirmed</source>
        <translation>身份未核实</translation>
    </message>
    <message>
        <source>Not possible for this card</source>
        <translation>此卡不能办理</translation>
    </message>
    <message>
        <source>This cannot be undone: confirm it first.</source>
        <translation>此操作不可撤销：请先确认。</translation>
    </message>
    <message>
        <source>Device problem</source>
        <translation>设备故障</translation>
    </message>
    <message>
        <source>A device did not respond. Check its cable and power, then try again.</source>
        <translation>设备无响应。请检查连接线和电源后重试。</translation>
    </message>
    <message>
        <source>Check the input</source>
        <translation>请检查输入</translation>
    </message>
    <message>
        <source>Enter the amount, like 100.00.</source>
        <translation>请输入金额，例如 100.00。</translation>
    </message>
    <message>
        <source>Check the field &quot;%1&quot;.</source>
        <translation>请检查“%1”一栏。</translation>
    </message>
    <message>
        <source>Card already bound</source>
        <translation>卡已被绑定</translation>
    </message>
    <message>
        <source>Card %1 already belongs to member %2. Use a new, unused card.</source>
        <translation>卡 %1 已属于会员 %2。请换一张未使用的新卡。</translation>
    </message>
    <message>
        <source>Card %1 is %2, so you cannot %3. Nothing was changed.</source>
        <translation>卡 %1 %2，不能%3。未做任何更改。</translation>
    </message>
    <message>
        <source>Valid for ever</source>
        <translation>长期有效</translation>
    </message>
    <message>
        <source>Card %1 is valid for ever (长期有效): there is nothing to extend. Nothing was changed.</source>
        <translation>卡 %1 长期有效，无需延期。未做任何更改。</translation>
    </message>
    <message>
        <source>Printer problem</source>
        <translation>打印机故障</translation>
    </message>
    <message>
        <source>The sale is done. The receipt waits for reprint (F9).</source>
        <translation>交易已完成，小票等待重印 (F9)。</translation>
    </message>
    <message>
        <source>Cannot do that</source>
        <translation>无法执行</translation>
    </message>
    <message>
        <source>The till refused this (%1).</source>
        <translation>收银机拒绝了此操作（%1）。</translation>
    </message>
    <message>
        <source>Something went wrong</source>
        <translation>出错了</translation>
    </message>
    <message>
        <source>An unexpected error happened; it was written to the log. Try again, and call support if it happens again.</source>
        <translation>发生了意外错误，已记录到日志。请重试；如果再次出现，请联系技术支持。</translation>
    </message>
    <message>
        <source>The printer cover is open: close it.</source>
        <translation>打印机上盖打开：请合上。</translation>
    </message>
    <message>
        <source>The printer is out of paper: put in a new roll.</source>
        <translation>打印机缺纸：请装入新纸卷。</translation>
    </message>
    <message>
        <source>The printer does not answer: check its power and cable.</source>
        <translation>打印机无响应：请检查电源和连接线。</translation>
    </message>
    <message>
        <source>The printer is offline: press its feed button or switch it off and on.</source>
        <translation>打印机离线：请按走纸键，或关机再开机。</translation>
    </message>
    <message>
        <source>The printer reports a fault (cutter jam?): open it, clear it, close it.</source>
        <translation>打印机报故障（切刀卡纸？）：请打开清理后合上。</translation>
    </message>
    <message>
        <source>The printer could not print.</source>
        <translation>打印机无法打印。</translation>
    </message>
    <message>
        <source>cashier</source>
        <translation>收银员</translation>
    </message>
    <message>
        <source>manager</source>
        <translation>店长</translation>
    </message>
    <message>
        <source>administrator</source>
        <translation>管理员</translation>
    </message>
</context>
<context>
    <name>Formatting</name>
    <message>
        <source>Member %1折</source>
        <translation>会员%1折</translation>
    </message>
    <message>
        <source>Promotion %1折</source>
        <translation>促销%1折</translation>
    </message>
    <message>
        <source>Special price</source>
        <translation>特价</translation>
    </message>
    <message>
        <source>Manual %1折</source>
        <translation>手工%1折</translation>
    </message>
    <message>
        <source>Points gift (%1 pts)</source>
        <translation>积分兑换（%1 分）</translation>
    </message>
    <message>
        <source>Count pass</source>
        <translation>计次</translation>
    </message>
    <message>
        <source>Member price</source>
        <translation>会员价</translation>
    </message>
    <message>
        <source>Member day %1折</source>
        <translation>会员日%1折</translation>
    </message>
    <message>
        <source>Multi-buy</source>
        <translation>多买优惠</translation>
    </message>
    <message>
        <source>Spend and save</source>
        <translation>满减</translation>
    </message>
    <message>
        <source>Coupon</source>
        <translation>优惠券</translation>
    </message>
    <message>
        <source>Cash</source>
        <translation>现金</translation>
    </message>
    <message>
        <source>Stored value</source>
        <translation>储值卡</translation>
    </message>
    <message>
        <source>Bank card</source>
        <translation>银行卡</translation>
    </message>
    <message>
        <source>WeChat Pay</source>
        <translation>微信支付</translation>
    </message>
    <message>
        <source>Alipay</source>
        <translation>支付宝</translation>
    </message>
    <message>
        <source>Points</source>
        <translation>积分</translation>
    </message>
    <message>
        <source>active</source>
        <translation>正常</translation>
    </message>
    <message>
        <source>reported lost</source>
        <translation>已挂失</translation>
    </message>
    <message>
        <source>replaced</source>
        <translation>已补卡</translation>
    </message>
    <message>
        <source>cancelled</source>
        <translation>已注销</translation>
    </message>
    <message>
        <source>expired</source>
        <translation>已过期</translation>
    </message>
    <message>
        <source>earned</source>
        <translation>消费积分</translation>
    </message>
    <message>
        <source>bonus</source>
        <translation>奖励积分</translation>
    </message>
    <message>
        <source>gift redeemed</source>
        <translation>兑换礼品</translation>
    </message>
    <message>
        <source>points as cash</source>
        <translation>积分抵现</translation>
    </message>
    <message>
        <source>return</source>
        <translation>退货</translation>
    </message>
    <message>
        <source>bonus reversed</source>
        <translation>冲回奖励</translation>
    </message>
    <message>
        <source>points refunded</source>
        <translation>退回积分</translation>
    </message>
    <message>
        <source>top-up</source>
        <translation>充值</translation>
    </message>
    <message>
        <source>spent</source>
        <translation>消费</translation>
    </message>
    <message>
        <source>refund to card</source>
        <translation>退回卡内</translation>
    </message>
    <message>
        <source>balance paid out</source>
        <translation>退余额</translation>
    </message>
    <message>
        <source>opening balance</source>
        <translation>期初</translation>
    </message>
    <message>
        <source>adjustment</source>
        <translation>调整</translation>
    </message>
    <message>
        <source>imported from a CSV file</source>
        <translation>从 CSV 文件导入</translation>
    </message>
    <message>
        <source>Balance</source>
        <translation>余额</translation>
    </message>
</context>
<context>
    <name>IcMessages</name>
    <message>
        <source>The card left the reader too soon.</source>
        <translation>卡片离开读卡器太早。</translation>
    </message>
    <message>
        <source>The card reader service did not answer (it may be restarting).</source>
        <translation>读卡服务没有响应（可能正在重启）。</translation>
    </message>
    <message>
        <source>The card reader is not connected.</source>
        <translation>读卡器未连接。</translation>
    </message>
    <message>
        <source>This reader or card does not support the command that was needed.</source>
        <translation>此读卡器或卡片不支持所需的指令。</translation>
    </message>
    <message>
        <source>A different card is on the reader now.</source>
        <translation>读卡器上现在是另一张卡。</translation>
    </message>
    <message>
        <source>This card does not open with our keys.</source>
        <translation>本店的密钥打不开这张卡。</translation>
    </message>
    <message>
        <source>The card could not be read or written.</source>
        <translation>无法读写这张卡。</translation>
    </message>
    <message>
        <source>Card write not finished</source>
        <translation>写卡未完成</translation>
    </message>
    <message>
        <source>Put the same card back on the reader and keep it there: the till checks the chip and finishes or cancels the issue. Nothing is charged twice.</source>
        <translation>请把同一张卡放回读卡器并保持不动：收银机会检查芯片，完成或取消本次办卡。不会重复收费。</translation>
    </message>
    <message>
        <source>Cannot write member cards</source>
        <translation>无法写会员卡</translation>
    </message>
    <message>
        <source>This till has no certified card key yet. Enrol it with head office (pos sync --enrol), then try again.</source>
        <translation>本收银机还没有经总部认证的写卡密钥。请先向总部注册（pos sync --enrol），然后重试。</translation>
    </message>
    <message>
        <source>Check the reader&apos;s USB cable, then tap the card again.</source>
        <translation>请检查读卡器的 USB 线，然后再刷一次卡。</translation>
    </message>
    <message>
        <source>Use a supported IC card (Mifare Classic) or reader, or call the manager.</source>
        <translation>请使用支持的 IC 卡（Mifare Classic）或读卡器，或请店长处理。</translation>
    </message>
    <message>
        <source>It is not one of our member cards. Ask for the member&apos;s card or mobile number.</source>
        <translation>这不是本店的会员卡。请向顾客索取会员卡或手机号。</translation>
    </message>
    <message>
        <source>Hold the card flat on the reader and tap it again.</source>
        <translation>请把卡平放在读卡器上，再刷一次。</translation>
    </message>
    <message>
        <source>Card not read</source>
        <translation>未读到卡</translation>
    </message>
    <message>
        <source>Card not checked yet</source>
        <translation>暂时无法验证此卡</translation>
    </message>
    <message>
        <source>This card was issued by a till whose certificate this till has not received yet. Let the till reach head office (sync), then tap again.</source>
        <translation>此卡由另一台收银机发行，本机尚未收到其证书。请先与总部同步，然后再刷卡。</translation>
    </message>
    <message>
        <source>Card needs replacing</source>
        <translation>此卡需要补换</translation>
    </message>
    <message>
        <source>This card was written by a till that head office has withdrawn. Replace the card (补卡) for the member; the balance moves with the member.</source>
        <translation>此卡由总部已停用的收银机写入。请为会员补卡；余额随会员转移。</translation>
    </message>
    <message>
        <source>Old card format</source>
        <translation>旧版卡数据</translation>
    </message>
    <message>
        <source>This card still carries the old member data, which was accepted until %1 only. Replace the card (补卡) for the member; the balance moves with the member.</source>
        <translation>这张卡上还是旧格式的会员数据，旧格式只接受到 %1。请为会员补卡（余额随会员转到新卡）。</translation>
    </message>
    <message>
        <source>This card still carries the old member data, which is no longer accepted. Replace the card (补卡) for the member.</source>
        <translation>此卡仍是旧版会员数据，已不再接受。请为会员补卡。</translation>
    </message>
    <message>
        <source>Old card</source>
        <translation>旧卡</translation>
    </message>
    <message>
        <source>This card was replaced by a newer card. Keep it and call the manager.</source>
        <translation>此卡已被新卡替换。请扣留此卡并请店长处理。</translation>
    </message>
    <message>
        <source>Card refused</source>
        <translation>卡被拒绝</translation>
    </message>
    <message>
        <source>The chip names a different card number than our records. Keep it and call the manager.</source>
        <translation>芯片上的卡号与记录不符。请扣留此卡并请店长处理。</translation>
    </message>
    <message>
        <source>This IC card is not one of ours or was copied. Keep it and call the manager.</source>
        <translation>这张IC卡不是本店发行的或是复制卡。请扣留此卡并通知店长。</translation>
    </message>
</context>
<context>
    <name>LoginDialog</name>
    <message>
        <source>Log in</source>
        <translation>登录</translation>
    </message>
    <message>
        <source>PIN</source>
        <translation>密码</translation>
    </message>
    <message>
        <source>Log in (Enter)</source>
        <translation>登录 (Enter)</translation>
    </message>
    <message>
        <source>User</source>
        <translation>用户</translation>
    </message>
    <message>
        <source>Checking…</source>
        <translation>正在验证…</translation>
    </message>
</context>
<context>
    <name>MainWindow</name>
    <message>
        <source>Membership POS · %1</source>
        <translation>会员收银 · %1</translation>
    </message>
    <message>
        <source>Finish or hold the sale before logging out.</source>
        <translation>请先完成或挂起交易再退出登录。</translation>
    </message>
    <message>
        <source>the manager screens</source>
        <translation>管理功能</translation>
    </message>
    <message>
        <source>Cashier: %1</source>
        <translation>收银员：%1</translation>
    </message>
    <message>
        <source>Not logged in</source>
        <translation>未登录</translation>
    </message>
    <message>
        <source>Shift since %1</source>
        <translation>%1 开班</translation>
    </message>
    <message>
        <source>No shift</source>
        <translation>未开班</translation>
    </message>
    <message>
        <source>Head office online · %1 to upload</source>
        <translation>总部在线 · 待上传 %1</translation>
    </message>
    <message>
        <source>Offline · %1 to upload</source>
        <translation>离线 · 待上传 %1</translation>
    </message>
    <message>
        <source>Offline too long · %1 to upload · call head office</source>
        <translation>离线过久 · 待上传 %1 · 请联系总部</translation>
    </message>
    <message>
        <source>Head office refused %1 event(s) · ask the manager to check them</source>
        <translation>总部拒收 %1 条记录 · 请店长核查</translation>
    </message>
    <message>
        <source>Clock is behind · %1 to upload · set the date and time</source>
        <translation>时钟倒退 · 待上传 %1 · 请校正日期和时间</translation>
    </message>
    <message>
        <source>Printer ready</source>
        <translation>打印机就绪</translation>
    </message>
    <message>
        <source>Printer problem</source>
        <translation>打印机故障</translation>
    </message>
    <message>
        <source>No printer</source>
        <translation>未配置打印机</translation>
    </message>
    <message>
        <source>%1 receipt(s) waiting (F9)</source>
        <translation>%1 张小票待打印 (F9)</translation>
    </message>
    <message>
        <source>Card reader: keyboard</source>
        <translation>读卡器：键盘式</translation>
    </message>
    <message>
        <source>Card reader ready</source>
        <translation>读卡器就绪</translation>
    </message>
    <message>
        <source>Card reader connecting…</source>
        <translation>读卡器连接中…</translation>
    </message>
    <message>
        <source>Card reader offline: check its cable</source>
        <translation>读卡器离线：请检查连接线</translation>
    </message>
    <message>
        <source>Card reader unplugged</source>
        <translation>读卡器已拔出</translation>
    </message>
    <message>
        <source>Card service (PC/SC) not running</source>
        <translation>智能卡服务（PC/SC）未运行</translation>
    </message>
    <message>
        <source>Card reader stopped</source>
        <translation>读卡器已停止</translation>
    </message>
    <message>
        <source>Card reader: %1</source>
        <translation>读卡器：%1</translation>
    </message>
</context>
<context>
    <name>ManagerAuthDialog</name>
    <message>
        <source>Manager authorisation</source>
        <translation>店长授权</translation>
    </message>
    <message>
        <source>A manager must confirm: %1</source>
        <translation>需要店长确认：%1</translation>
    </message>
    <message>
        <source>Authorise</source>
        <translation>授权</translation>
    </message>
    <message>
        <source>Cancel</source>
        <translation>取消</translation>
    </message>
    <message>
        <source>Manager</source>
        <translation>店长</translation>
    </message>
    <message>
        <source>PIN</source>
        <translation>密码</translation>
    </message>
</context>
<context>
    <name>ManagerDialog</name>
    <message>
        <source>Manager · %1</source>
        <translation>管理 · %1</translation>
    </message>
    <message>
        <source>Members</source>
        <translation>会员</translation>
    </message>
    <message>
        <source>Member cards</source>
        <translation>会员卡管理</translation>
    </message>
    <message>
        <source>Products</source>
        <translation>商品</translation>
    </message>
    <message>
        <source>Rule set</source>
        <translation>会员规则</translation>
    </message>
    <message>
        <source>Shift close</source>
        <translation>交班</translation>
    </message>
    <message>
        <source>Users</source>
        <translation>用户</translation>
    </message>
    <message>
        <source>Settings</source>
        <translation>设置</translation>
    </message>
    <message>
        <source>Devices</source>
        <translation>设备</translation>
    </message>
    <message>
        <source>Reports</source>
        <translation>报表</translation>
    </message>
    <message>
        <source>Head office sync</source>
        <translation>总部同步</translation>
    </message>
    <message>
        <source>Restore backup</source>
        <translation>恢复备份</translation>
    </message>
    <message>
        <source>Close (Esc)</source>
        <translation>关闭 (Esc)</translation>
    </message>
</context>
<context>
    <name>MemberCardsScreen</name>
    <message>
        <source>Swipe or tap a card, or type card no., mobile or name</source>
        <translation>刷卡或贴卡，或输入卡号、手机号、姓名</translation>
    </message>
    <message>
        <source>Find</source>
        <translation>查找</translation>
    </message>
    <message>
        <source>Find a member, or register a new one (办卡).</source>
        <translation>查找会员，或为新会员办卡。</translation>
    </message>
    <message>
        <source>Card</source>
        <translation>卡</translation>
    </message>
    <message>
        <source>Kind</source>
        <translation>类型</translation>
    </message>
    <message>
        <source>Status</source>
        <translation>状态</translation>
    </message>
    <message>
        <source>Expires</source>
        <translation>有效期</translation>
    </message>
    <message>
        <source>Gen.</source>
        <translation>代</translation>
    </message>
    <message>
        <source>When</source>
        <translation>时间</translation>
    </message>
    <message>
        <source>Event</source>
        <translation>事件</translation>
    </message>
    <message>
        <source>By</source>
        <translation>操作人</translation>
    </message>
    <message>
        <source>Shop</source>
        <translation>门店</translation>
    </message>
    <message>
        <source>Detail</source>
        <translation>详情</translation>
    </message>
    <message>
        <source>Ledger</source>
        <translation>账户</translation>
    </message>
    <message>
        <source>Points / amount</source>
        <translation>积分/金额</translation>
    </message>
    <message>
        <source>Receipt</source>
        <translation>小票</translation>
    </message>
    <message>
        <source>Note</source>
        <translation>备注</translation>
    </message>
    <message>
        <source>Pass</source>
        <translation>计次卡</translation>
    </message>
    <message>
        <source>Uses left</source>
        <translation>剩余次数</translation>
    </message>
    <message>
        <source>Price</source>
        <translation>价格</translation>
    </message>
    <message>
        <source>State</source>
        <translation>状态</translation>
    </message>
    <message>
        <source>Card history</source>
        <translation>卡记录</translation>
    </message>
    <message>
        <source>Points and balance</source>
        <translation>积分和余额</translation>
    </message>
    <message>
        <source>Count passes</source>
        <translation>计次卡</translation>
    </message>
    <message>
        <source>Register 办卡</source>
        <translation>办卡</translation>
    </message>
    <message>
        <source>Top up 充值</source>
        <translation>充值</translation>
    </message>
    <message>
        <source>Refund 退卡/取款</source>
        <translation>退卡/取款</translation>
    </message>
    <message>
        <source>Report lost 挂失</source>
        <translation>挂失</translation>
    </message>
    <message>
        <source>Unblock 解挂</source>
        <translation>解挂</translation>
    </message>
    <message>
        <source>Replace 补卡</source>
        <translation>补卡</translation>
    </message>
    <message>
        <source>Renew 延期</source>
        <translation>延期</translation>
    </message>
    <message>
        <source>Cancel 注销</source>
        <translation>注销</translation>
    </message>
    <message>
        <source>Member PIN 密码</source>
        <translation>会员密码</translation>
    </message>
    <message>
        <source>Birthday gift 生日礼</source>
        <translation>生日礼</translation>
    </message>
    <message>
        <source>Diamond gift 季度礼</source>
        <translation>钻石季度礼</translation>
    </message>
    <message>
        <source>Refund pass 退次卡</source>
        <translation>退次卡</translation>
    </message>
    <message>
        <source>Package 储值套餐</source>
        <translation>储值套餐</translation>
    </message>
    <message>
        <source>Refund package 退套餐</source>
        <translation>退套餐</translation>
    </message>
    <message>
        <source>No member found. Check the number, or register the member (办卡).</source>
        <translation>未找到会员。请检查号码，或为其办卡。</translation>
    </message>
    <message>
        <source>lunar</source>
        <translation>农历</translation>
    </message>
    <message>
        <source>solar</source>
        <translation>公历</translation>
    </message>
    <message>
        <source>&lt;b&gt;%1&lt;/b&gt; · %2 · %3&lt;br&gt;Balance %4 (paid-in %5, bonus %6)&lt;br&gt;Points %7 (accumulated %8)&lt;br&gt;Birthday %9</source>
        <translation>&lt;b&gt;%1&lt;/b&gt; · %2 · %3&lt;br&gt;余额 %4（实充 %5，赠送 %6）&lt;br&gt;积分 %7（累计 %8）&lt;br&gt;生日 %9</translation>
    </message>
    <message>
        <source>Member PIN set</source>
        <translation>已设会员密码</translation>
    </message>
    <message>
        <source>No member PIN</source>
        <translation>未设会员密码</translation>
    </message>
    <message>
        <source>agrees to messages</source>
        <translation>同意接收消息</translation>
    </message>
    <message>
        <source>no messages</source>
        <translation>不接收消息</translation>
    </message>
    <message>
        <source>magnetic</source>
        <translation>磁条卡</translation>
    </message>
    <message>
        <source>IC</source>
        <translation>IC卡</translation>
    </message>
    <message>
        <source>virtual</source>
        <translation>电子卡</translation>
    </message>
    <message>
        <source>refunded</source>
        <translation>已退</translation>
    </message>
    <message>
        <source>used up</source>
        <translation>已用完</translation>
    </message>
    <message>
        <source>open</source>
        <translation>可用</translation>
    </message>
    <message>
        <source>issued</source>
        <translation>发卡</translation>
    </message>
    <message>
        <source>reported lost</source>
        <translation>挂失</translation>
    </message>
    <message>
        <source>unblocked</source>
        <translation>解挂</translation>
    </message>
    <message>
        <source>replaced</source>
        <translation>已补卡</translation>
    </message>
    <message>
        <source>renewed</source>
        <translation>延期</translation>
    </message>
    <message>
        <source>cancelled</source>
        <translation>注销</translation>
    </message>
    <message>
        <source>PIN set</source>
        <translation>设置密码</translation>
    </message>
    <message>
        <source>tier upgraded</source>
        <translation>升级</translation>
    </message>
    <message>
        <source>by card %1, fee %2</source>
        <translation>换为新卡 %1，补卡费 %2</translation>
    </message>
    <message>
        <source>replaces card %1</source>
        <translation>替换旧卡 %1</translation>
    </message>
    <message>
        <source>joined by receipt %1</source>
        <translation>凭小票 %1 入会</translation>
    </message>
    <message>
        <source>until %1</source>
        <translation>至 %1</translation>
    </message>
    <message>
        <source>refund %1, %2 points forfeited</source>
        <translation>退款 %1，作废积分 %2</translation>
    </message>
    <message>
        <source>first PIN</source>
        <translation>首次设置</translation>
    </message>
    <message>
        <source>changed</source>
        <translation>已修改</translation>
    </message>
    <message>
        <source>reset</source>
        <translation>已重置</translation>
    </message>
    <message>
        <source>%1 is neither a card number nor a receipt.</source>
        <translation>%1 既不是卡号也不是小票号。</translation>
    </message>
    <message>
        <source>No receipt printer is set up: the slip was not printed.</source>
        <translation>未设置小票打印机：凭条没有打印。</translation>
    </message>
    <message>
        <source>The slip waits for reprint (F9).</source>
        <translation>凭条等待补打（F9）。</translation>
    </message>
    <message>
        <source>Find the member and pick a card first.</source>
        <translation>请先查找会员并选择一张卡。</translation>
    </message>
    <message>
        <source>Member %1 registered with card %2 (%3).</source>
        <translation>会员 %1 已办卡，卡号 %2（%3）。</translation>
    </message>
    <message>
        <source>Card %1 · balance %2</source>
        <translation>卡 %1 · 余额 %2</translation>
    </message>
    <message>
        <source>Topped up %1 (bonus %2). New balance %3.</source>
        <translation>已充值 %1（赠送 %2）。新余额 %3。</translation>
    </message>
    <message>
        <source>Package %1 sold: %2 paid in, bonus %3. New balance %4.</source>
        <translation>已售出套餐 %1：实充 %2，赠送 %3。新余额 %4。</translation>
    </message>
    <message>
        <source>Package %1 refunded: %2 paid back. Balance left %3.</source>
        <translation>套餐 %1 已退：退款 %2。剩余余额 %3。</translation>
    </message>
    <message>
        <source>Paid out %1 in cash. Balance left %2.</source>
        <translation>已退现金 %1。剩余余额 %2。</translation>
    </message>
    <message>
        <source>Report lost (挂失)</source>
        <translation>挂失</translation>
    </message>
    <message>
        <source>Block the card</source>
        <translation>冻结此卡</translation>
    </message>
    <message>
        <source>Card %1 is blocked at once: it gets no member price, earns nothing and cannot pay, in every shop.</source>
        <translation>卡 %1 将立即冻结：在所有门店都不享会员价、不积分、不能支付。</translation>
    </message>
    <message>
        <source>Card %1 reported lost and blocked.</source>
        <translation>卡 %1 已挂失并冻结。</translation>
    </message>
    <message>
        <source>Unblock (解挂)</source>
        <translation>解挂</translation>
    </message>
    <message>
        <source>Unblock the card</source>
        <translation>解除挂失</translation>
    </message>
    <message>
        <source>The lost card %1 turned up: it works again.</source>
        <translation>挂失的卡 %1 已找回：恢复使用。</translation>
    </message>
    <message>
        <source>Card %1 unblocked.</source>
        <translation>卡 %1 已解挂。</translation>
    </message>
    <message>
        <source>Card %1 replaced by %2; balance %3 and points moved.</source>
        <translation>卡 %1 已补为新卡 %2；余额 %3 和积分已转入。</translation>
    </message>
    <message>
        <source>never</source>
        <translation>长期有效</translation>
    </message>
    <message>
        <source>Card %1 now valid until %2.</source>
        <translation>卡 %1 有效期延至 %2。</translation>
    </message>
    <message>
        <source>Membership cancelled; %1 paid back in cash.</source>
        <translation>会员已注销；已退现金 %1。</translation>
    </message>
    <message>
        <source>Member PIN saved.</source>
        <translation>会员密码已保存。</translation>
    </message>
    <message>
        <source>birthday gift</source>
        <translation>生日礼品</translation>
    </message>
    <message>
        <source>quarterly Diamond gift</source>
        <translation>钻石卡季度礼品</translation>
    </message>
    <message>
        <source>Hand over a gift</source>
        <translation>发放礼品</translation>
    </message>
    <message>
        <source>Hand the %1 to %2 now? It is recorded and cannot be given twice.</source>
        <translation>现在把%1发给 %2？发放会被记录，不能重复领取。</translation>
    </message>
    <message>
        <source>Gift handed over</source>
        <translation>礼品已发放</translation>
    </message>
    <message>
        <source>The %1 for %2 is recorded.</source>
        <translation>%2 的%1已登记发放。</translation>
    </message>
    <message>
        <source>Pick the count pass in the passes table first.</source>
        <translation>请先在计次卡表中选择计次卡。</translation>
    </message>
    <message>
        <source>Refund count pass (退次卡)</source>
        <translation>退计次卡</translation>
    </message>
    <message>
        <source>Refund the unused %1 of %2 uses of %3: about %4 back by the original payment. The pass closes.</source>
        <translation>退还 %3 剩余的 %1 次（共 %2 次）：约 %4 按原支付方式退回。该计次卡将关闭。</translation>
    </message>
    <message>
        <source>Refund pass</source>
        <translation>退次卡</translation>
    </message>
    <message>
        <source>Pass refunded: %1 back (receipt %2).</source>
        <translation>计次卡已退：退回 %1（小票 %2）。</translation>
    </message>
</context>
<context>
    <name>MemberCode</name>
    <message>
        <source>This member code has expired (an old screen or a screenshot). Ask the member to refresh the member page and scan again.</source>
        <translation>会员码已过期(旧页面或截图)。请会员刷新会员页后重新扫码。</translation>
    </message>
    <message>
        <source>This member code is not valid yet: the till&apos;s clock may be behind. Check the till&apos;s date and time, or swipe the card.</source>
        <translation>会员码尚未生效:收银机时钟可能偏慢。请检查本机日期时间,或刷会员卡。</translation>
    </message>
    <message>
        <source>This member code was already used at this till. Ask the member to wait for the next code (it changes every half minute).</source>
        <translation>此会员码已在本收银机使用过。请会员等待下一个码(每半分钟更新)。</translation>
    </message>
    <message>
        <source>This member code is not genuine (head office did not sign it). Do not give member prices; ask for the card or the member page.</source>
        <translation>此会员码不是真码(非总部签发)。不要给会员价;请出示会员卡或会员页。</translation>
    </message>
    <message>
        <source>This till cannot check this member code yet (head office&apos;s key is missing or retired). Sync the till, or swipe the card.</source>
        <translation>本机暂时无法校验此会员码(缺少总部密钥或密钥已停用)。请同步收银机,或刷会员卡。</translation>
    </message>
    <message>
        <source>This till has not received head office&apos;s keys yet, so it cannot check member codes. Sync the till once, or swipe the card.</source>
        <translation>本机尚未收到总部密钥,无法校验会员码。请先同步一次,或刷会员卡。</translation>
    </message>
    <message>
        <source>The numeric member code is checked by head office, which cannot be reached now. Scan the QR code on the member&apos;s phone, or swipe the card.</source>
        <translation>数字会员码需要总部联网核验，现在连不上总部。请扫会员手机上的二维码，或刷会员卡。</translation>
    </message>
    <message>
        <source>Head office says this member&apos;s card is blocked (reported lost or cancelled). No member price; the member can ask at the service desk.</source>
        <translation>总部显示该会员卡已停用（已挂失或已注销）。不享会员价；会员可到服务台咨询。</translation>
    </message>
    <message>
        <source>This is not a readable member code. Ask the member to show the code again, brighter and closer to the scanner.</source>
        <translation>无法识别的会员码。请会员调亮屏幕、靠近扫码枪重新出示。</translation>
    </message>
</context>
<context>
    <name>MemberPanelWidget</name>
    <message>
        <source>Mobile</source>
        <translation>手机</translation>
    </message>
    <message>
        <source>Tier</source>
        <translation>等级</translation>
    </message>
    <message>
        <source>Points</source>
        <translation>积分</translation>
    </message>
    <message>
        <source>Balance</source>
        <translation>余额</translation>
    </message>
    <message>
        <source>Passes</source>
        <translation>计次卡</translation>
    </message>
    <message>
        <source>Card valid to</source>
        <translation>卡有效期</translation>
    </message>
    <message>
        <source>This sale earns</source>
        <translation>本单积分</translation>
    </message>
    <message>
        <source>Next gift</source>
        <translation>下一档礼品</translation>
    </message>
    <message>
        <source>Points lapsing</source>
        <translation>积分将过期</translation>
    </message>
    <message>
        <source>Coupons</source>
        <translation>优惠券</translation>
    </message>
    <message>
        <source>Birthday gift</source>
        <translation>生日礼</translation>
    </message>
    <message>
        <source>Lottery</source>
        <translation>可抽奖</translation>
    </message>
    <message>
        <source>Quarterly gift</source>
        <translation>季度礼品</translation>
    </message>
    <message>
        <source>No member (F2)</source>
        <translation>非会员 (F2 刷卡)</translation>
    </message>
    <message>
        <source>Lapses on %1: earn %2 more points to keep it</source>
        <translation>将于%1到期，再累计%2积分可保级</translation>
    </message>
    <message>
        <source>Lapses on %1: a qualifying receipt keeps it</source>
        <translation>将于%1到期，到期前单张小票满额消费可保级</translation>
    </message>
    <message>
        <source>no expiry</source>
        <translation>长期有效</translation>
    </message>
    <message>
        <source>%1 points</source>
        <translation>%1 分</translation>
    </message>
    <message>
        <source>%1 points after %2</source>
        <translation>%1 积分于 %2 后过期</translation>
    </message>
    <message>
        <source>%1 usable (Ctrl+Q)</source>
        <translation>%1 张可用（Ctrl+Q）</translation>
    </message>
    <message>
        <source>%1 pts to a %2 gift</source>
        <translation>再积 %1 分换 %2 礼品</translation>
    </message>
    <message>
        <source>%1 more points for a gift up to %2</source>
        <translation>再积 %1 分可兑 %2 以内礼品</translation>
    </message>
    <message>
        <source>Joins %1 with this sale</source>
        <translation>本单可升为%1</translation>
    </message>
</context>
<context>
    <name>MemberProfileDialog</name>
    <message>
        <source>Member details (head office)</source>
        <translation>会员完整资料（总部）</translation>
    </message>
    <message>
        <source>Asking head office…</source>
        <translation>正在向总部查询…</translation>
    </message>
    <message>
        <source>Name</source>
        <translation>姓名</translation>
    </message>
    <message>
        <source>Mobile</source>
        <translation>手机</translation>
    </message>
    <message>
        <source>Gender</source>
        <translation>性别</translation>
    </message>
    <message>
        <source>Birthday</source>
        <translation>生日</translation>
    </message>
    <message>
        <source>Messages</source>
        <translation>接收短信</translation>
    </message>
    <message>
        <source>Cards</source>
        <translation>会员卡</translation>
    </message>
    <message>
        <source>Log in as a manager first.</source>
        <translation>请先以店长身份登录。</translation>
    </message>
    <message>
        <source>From head office; this request is recorded there.</source>
        <translation>资料来自总部；本次查询已在总部留痕。</translation>
    </message>
    <message>
        <source>lunar</source>
        <translation>农历</translation>
    </message>
    <message>
        <source>solar</source>
        <translation>公历</translation>
    </message>
    <message>
        <source>male</source>
        <translation>男</translation>
    </message>
    <message>
        <source>female</source>
        <translation>女</translation>
    </message>
    <message>
        <source>yes</source>
        <translation>是</translation>
    </message>
    <message>
        <source>no</source>
        <translation>否</translation>
    </message>
</context>
<context>
    <name>MemberSearchDialog</name>
    <message>
        <source>Member</source>
        <translation>会员</translation>
    </message>
    <message>
        <source>Swipe or tap the card, scan the member code, or type a card number, a mobile number or its last 4 digits, a name or a surname.</source>
        <translation>刷卡或碰卡、扫会员码，或输入卡号、手机号或手机尾号后 4 位、姓名或姓氏。</translation>
    </message>
    <message>
        <source>Use as card number</source>
        <translation>按卡号查找</translation>
    </message>
    <message>
        <source>Remove member from sale</source>
        <translation>取消本单会员</translation>
    </message>
    <message>
        <source>Close (Esc)</source>
        <translation>关闭 (Esc)</translation>
    </message>
    <message>
        <source>Searching…</source>
        <translation>正在查询…</translation>
    </message>
    <message>
        <source>%1   %2   %3   %4 points   balance %5</source>
        <translation>%1   %2   %3   积分 %4   余额 %5</translation>
    </message>
    <message>
        <source>%1 member(s) found</source>
        <translation>找到 %1 位会员</translation>
    </message>
    <message>
        <source>No member found</source>
        <translation>未找到会员</translation>
    </message>
</context>
<context>
    <name>MembersScreen</name>
    <message>
        <source>Mobile, card number or name</source>
        <translation>手机号、卡号或姓名</translation>
    </message>
    <message>
        <source>Search</source>
        <translation>查询</translation>
    </message>
    <message>
        <source>When</source>
        <translation>时间</translation>
    </message>
    <message>
        <source>Ledger</source>
        <translation>账户</translation>
    </message>
    <message>
        <source>Kind</source>
        <translation>类型</translation>
    </message>
    <message>
        <source>Receipt</source>
        <translation>小票</translation>
    </message>
    <message>
        <source>Note</source>
        <translation>备注</translation>
    </message>
    <message>
        <source>Points / amount</source>
        <translation>变动</translation>
    </message>
    <message>
        <source>Full details (head office)…</source>
        <translation>完整资料（总部）…</translation>
    </message>
    <message>
        <source>No member found</source>
        <translation>未找到会员</translation>
    </message>
    <message>
        <source>%1 · %2 · %3
Points %4 (accumulated %5) · balance %6 (bonus %7)
Cards: %8
Passes: %9</source>
        <translation>%1 · %2 · %3
积分 %4（累计 %5）· 余额 %6（赠送 %7）
会员卡：%8
计次卡：%9</translation>
    </message>
</context>
<context>
    <name>OpenShiftDialog</name>
    <message>
        <source>Open shift</source>
        <translation>开班</translation>
    </message>
    <message>
        <source>No shift is open on this till. Count the cash float put into the drawer and open the shift.</source>
        <translation>本收银机尚未开班。请清点放入钱箱的备用金，然后开班。</translation>
    </message>
    <message>
        <source>Open shift (Enter)</source>
        <translation>开班 (Enter)</translation>
    </message>
    <message>
        <source>Cash float ¥</source>
        <translation>备用金 ¥</translation>
    </message>
</context>
<context>
    <name>PackageDialog</name>
    <message>
        <source>Cannot refund: the package&apos;s %1 points were already spent (%2 left). Nothing was changed.</source>
        <translation>不能退套餐：套餐赠送的 %1 积分已被使用（剩余 %2 积分）。未做任何更改。</translation>
    </message>
    <message>
        <source>Cannot refund: the package&apos;s paid-in money %1 was already spent (%2 left on the card). Nothing was changed.</source>
        <translation>不能退套餐：套餐的实充金额 %1 已被消费（卡内实充余额剩 %2）。未做任何更改。</translation>
    </message>
    <message>
        <source>This package sale was already refunded.</source>
        <translation>该套餐已经退过了。</translation>
    </message>
    <message>
        <source>Not possible: %1</source>
        <translation>不能办理：%1</translation>
    </message>
</context>
<context>
    <name>PackageRefundDialog</name>
    <message>
        <source>Refund a top-up package (退套餐)</source>
        <translation>退储值套餐</translation>
    </message>
    <message>
        <source>Refund package</source>
        <translation>确认退套餐</translation>
    </message>
    <message>
        <source>refunded %1</source>
        <translation>%1 已退</translation>
    </message>
    <message>
        <source>Package sale</source>
        <translation>套餐购买记录</translation>
    </message>
    <message>
        <source>The refund</source>
        <translation>退款明细</translation>
    </message>
    <message>
        <source>Paid back by</source>
        <translation>退款方式</translation>
    </message>
    <message>
        <source>This member has no package sale at this till to refund.</source>
        <translation>该会员在本收银机没有可退的套餐。</translation>
    </message>
    <message>
        <source>Working out the refund…</source>
        <translation>正在计算退款…</translation>
    </message>
    <message>
        <source>Paid back: %1</source>
        <translation>退款：%1</translation>
    </message>
    <message>
        <source>coupons used %1</source>
        <translation>已用优惠券 %1</translation>
    </message>
    <message>
        <source>bonus spent %1</source>
        <translation>已用赠送金额 %1</translation>
    </message>
    <message>
        <source>pass visits used %1</source>
        <translation>已用次卡次数 %1</translation>
    </message>
    <message>
        <source>Kept out of the refund: %1 (%2)</source>
        <translation>不予退还（已享用）：%1（%2）</translation>
    </message>
    <message>
        <source>Points taken back: %1</source>
        <translation>扣回积分：%1</translation>
    </message>
    <message>
        <source>Unused coupons withdrawn: %1</source>
        <translation>收回未用优惠券：%1 张</translation>
    </message>
    <message>
        <source>Count pass closed: %1 unused uses</source>
        <translation>次卡作废：未用 %1 次</translation>
    </message>
    <message>
        <source>Tier back to %1</source>
        <translation>等级恢复为 %1</translation>
    </message>
    <message>
        <source>Bonus money is taken back and never paid out.</source>
        <translation>赠送金额收回，一律不退现金。</translation>
    </message>
</context>
<context>
    <name>PackageSellDialog</name>
    <message>
        <source>Top-up package (储值套餐)</source>
        <translation>储值套餐</translation>
    </message>
    <message>
        <source>Sell package</source>
        <translation>确认购买套餐</translation>
    </message>
    <message>
        <source>Bank slip or payment number (not for cash)</source>
        <translation>银行或支付流水号（现金不填）</translation>
    </message>
    <message>
        <source>Package</source>
        <translation>套餐</translation>
    </message>
    <message>
        <source>It gives</source>
        <translation>套餐内容</translation>
    </message>
    <message>
        <source>Paid by</source>
        <translation>付款方式</translation>
    </message>
    <message>
        <source>Reference</source>
        <translation>流水号</translation>
    </message>
    <message>
        <source>No top-up package is in force: head office publishes them (sync first).</source>
        <translation>没有生效的储值套餐：套餐由总部发布（请先同步）。</translation>
    </message>
    <message>
        <source>Pay %1 · the card gets %2</source>
        <translation>支付 %1 · 卡内到账 %2</translation>
    </message>
    <message>
        <source>Bonus money %1 (not refundable)</source>
        <translation>赠送金额 %1（不可退）</translation>
    </message>
    <message>
        <source>%1 points</source>
        <translation>赠送 %1 积分</translation>
    </message>
    <message>
        <source>Coupon %1 × %2</source>
        <translation>优惠券 %1 × %2</translation>
    </message>
    <message>
        <source>Count pass %1: %2 uses</source>
        <translation>计次卡 %1：%2 次</translation>
    </message>
    <message>
        <source>Tier upgrade to %1</source>
        <translation>升级为 %1</translation>
    </message>
    <message>
        <source>Not on this till yet: %1 (sync first)</source>
        <translation>本收银机尚无：%1（请先同步）</translation>
    </message>
</context>
<context>
    <name>PaymentDialog</name>
    <message>
        <source>Payment</source>
        <translation>收款</translation>
    </message>
    <message>
        <source>Payment reference (bank/WeChat/Alipay slip no.)</source>
        <translation>支付凭证号（银行卡/微信/支付宝）</translation>
    </message>
    <message>
        <source>Needs a member card</source>
        <translation>需要会员卡</translation>
    </message>
    <message>
        <source>Exact</source>
        <translation>实收</translation>
    </message>
    <message>
        <source>Remove last tender (Del)</source>
        <translation>撤销上一笔付款 (Del)</translation>
    </message>
    <message>
        <source>Member PIN</source>
        <translation>会员密码</translation>
    </message>
    <message>
        <source>Complete sale (Enter)</source>
        <translation>完成收款 (Enter)</translation>
    </message>
    <message>
        <source>Back to the basket (Esc)</source>
        <translation>返回商品列表 (Esc)</translation>
    </message>
    <message>
        <source>Cash rounding</source>
        <translation>抹零</translation>
    </message>
    <message>
        <source>Due</source>
        <translation>应收</translation>
    </message>
    <message>
        <source>Paid</source>
        <translation>已付</translation>
    </message>
    <message>
        <source>Still to pay</source>
        <translation>还需支付</translation>
    </message>
    <message>
        <source>Change</source>
        <translation>找零</translation>
    </message>
    <message>
        <source>Amount ¥</source>
        <translation>金额 ¥</translation>
    </message>
    <message>
        <source>%1 (cash %2)</source>
        <translation>%1（现金 %2）</translation>
    </message>
    <message>
        <source>%1: balance %2 · %3 points · stored value can pay up to %4 · points can pay up to %5</source>
        <translation>%1：余额 %2 · 积分 %3 · 储值最多可付 %4 · 积分最多可抵 %5</translation>
    </message>
    <message>
        <source>Set the member&apos;s PIN now</source>
        <translation>现在设置会员密码</translation>
    </message>
    <message>
        <source>Manager authorises without a PIN</source>
        <translation>店长授权免密支付</translation>
    </message>
    <message>
        <source>This member has no PIN yet, and paying more than %1 from stored value needs one.</source>
        <translation>该会员尚未设置密码，储值支付超过 %1 需要密码。</translation>
    </message>
    <message>
        <source>%1 can pay at most %2 here: %2 taken.</source>
        <translation>%1 本单最多可付 %2：已按 %2 收取。</translation>
    </message>
    <message>
        <source>%1 cannot pay any more of this sale.</source>
        <translation>%1 不能再支付本单。</translation>
    </message>
    <message>
        <source>setting a member PIN</source>
        <translation>设置会员密码</translation>
    </message>
    <message>
        <source>paying from stored value without a PIN</source>
        <translation>无密码储值支付</translation>
    </message>
    <message>
        <source>Authorised by %1 without a PIN.</source>
        <translation>已由 %1 授权免密支付。</translation>
    </message>
    <message>
        <source>PIN set. The member types it to pay.</source>
        <translation>密码已设置，请会员输入密码支付。</translation>
    </message>
    <message>
        <source>Saving the sale…</source>
        <translation>正在保存交易…</translation>
    </message>
</context>
<context>
    <name>ProductsScreen</name>
    <message>
        <source>Name, SKU or barcode</source>
        <translation>名称、货号或条码</translation>
    </message>
    <message>
        <source>Search</source>
        <translation>查询</translation>
    </message>
    <message>
        <source>Import CSV…</source>
        <translation>导入 CSV…</translation>
    </message>
    <message>
        <source>SKU</source>
        <translation>货号</translation>
    </message>
    <message>
        <source>Barcode</source>
        <translation>条码</translation>
    </message>
    <message>
        <source>Name</source>
        <translation>名称</translation>
    </message>
    <message>
        <source>Category</source>
        <translation>品类</translation>
    </message>
    <message>
        <source>Price</source>
        <translation>单价</translation>
    </message>
    <message>
        <source>Kind</source>
        <translation>类型</translation>
    </message>
    <message>
        <source>Promotion</source>
        <translation>促销</translation>
    </message>
    <message>
        <source>regular</source>
        <translation>正价</translation>
    </message>
    <message>
        <source>special price</source>
        <translation>特价</translation>
    </message>
    <message>
        <source>excluded</source>
        <translation>不参与优惠</translation>
    </message>
    <message>
        <source>Import products</source>
        <translation>导入商品</translation>
    </message>
    <message>
        <source>CSV files (*.csv)</source>
        <translation>CSV 文件 (*.csv)</translation>
    </message>
    <message>
        <source>Importing %1…</source>
        <translation>正在导入 %1…</translation>
    </message>
    <message>
        <source>Imported: %1 added, %2 updated.</source>
        <translation>已导入：新增 %1，更新 %2。</translation>
    </message>
    <message>
        <source>line %1: %2</source>
        <translation>第 %1 行：%2</translation>
    </message>
</context>
<context>
    <name>QAbstractFileIconProvider</name>
    <message>
        <source>Drive</source>
        <translation>驱动器</translation>
    </message>
    <message>
        <source>Folder</source>
        <comment>All other platforms</comment>
        <translation>文件夹</translation>
    </message>
    <message>
        <source>%1 File</source>
        <comment>All other platforms</comment>
        <translation>%1 文件</translation>
    </message>
    <message>
        <source>File</source>
        <comment>All other platforms</comment>
        <translation>文件</translation>
    </message>
</context>
<context>
    <name>QFileDialog</name>
    <message>
        <source>&amp;Look in:</source>
        <translation>查找范围(&amp;L)：</translation>
    </message>
    <message>
        <source>Files of &amp;type:</source>
        <translation>文件类型(&amp;T)：</translation>
    </message>
</context>
<context>
    <name>RecallDialog</name>
    <message>
        <source>Recall a held sale</source>
        <translation>取回挂单</translation>
    </message>
    <message>
        <source>%1   %2   %3 item(s)   %4</source>
        <translation>%1   %2   %3件   %4</translation>
    </message>
    <message>
        <source>no member</source>
        <translation>非会员</translation>
    </message>
    <message>
        <source>Recall</source>
        <translation>取单</translation>
    </message>
    <message>
        <source>Cancel</source>
        <translation>取消</translation>
    </message>
</context>
<context>
    <name>ReceiptPreviewDialog</name>
    <message>
        <source>Last receipt</source>
        <translation>上一张小票</translation>
    </message>
    <message>
        <source>No receipt was printed since the app started.</source>
        <translation>本次启动后还没有打印过小票。</translation>
    </message>
    <message>
        <source>Close (Esc)</source>
        <translation>关闭 (Esc)</translation>
    </message>
</context>
<context>
    <name>RedeemDialog</name>
    <message>
        <source>Redeem points / use a pass</source>
        <translation>积分兑换 / 使用计次卡</translation>
    </message>
    <message>
        <source>%1 points: a gift with a list price up to %2 (uses %3 points).</source>
        <translation>%1 分：可兑标价 %2 以内的礼品一件（扣 %3 分）。</translation>
    </message>
    <message>
        <source>%1 points: not enough for a gift yet.</source>
        <translation>%1 分：暂不够兑换礼品。</translation>
    </message>
    <message>
        <source>%1 more points for a gift up to %2.</source>
        <translation>再积 %1 分可兑 %2 以内的礼品。</translation>
    </message>
    <message>
        <source>Scan the gift&apos;s barcode</source>
        <translation>扫描礼品条码</translation>
    </message>
    <message>
        <source>Take gift for points</source>
        <translation>积分兑换礼品</translation>
    </message>
    <message>
        <source>Close (Esc)</source>
        <translation>关闭 (Esc)</translation>
    </message>
    <message>
        <source>Count passes (double-click to use one visit)</source>
        <translation>计次卡（双击使用一次）</translation>
    </message>
</context>
<context>
    <name>ReportsScreen</name>
    <message>
        <source>Today</source>
        <translation>今天</translation>
    </message>
    <message>
        <source>This month</source>
        <translation>本月</translation>
    </message>
    <message>
        <source>Show</source>
        <translation>查询</translation>
    </message>
    <message>
        <source>Export to Excel</source>
        <translation>导出 Excel</translation>
    </message>
    <message>
        <source>Excel export is not set up on this till</source>
        <translation>本收银机未配置 Excel 导出</translation>
    </message>
    <message>
        <source>By day</source>
        <translation>按日</translation>
    </message>
    <message>
        <source>By hour</source>
        <translation>按时段</translation>
    </message>
    <message>
        <source>By cashier</source>
        <translation>按收银员</translation>
    </message>
    <message>
        <source>By tender</source>
        <translation>按付款方式</translation>
    </message>
    <message>
        <source>By category</source>
        <translation>按品类</translation>
    </message>
    <message>
        <source>By product</source>
        <translation>按商品</translation>
    </message>
    <message>
        <source>Birthdays in the next </source>
        <translation>生日：未来 </translation>
    </message>
    <message>
        <source> days</source>
        <translation> 天</translation>
    </message>
    <message>
        <source>All reminders</source>
        <translation>全部提醒</translation>
    </message>
    <message>
        <source>Sales</source>
        <translation>销售</translation>
    </message>
    <message>
        <source>Member analysis</source>
        <translation>会员分析</translation>
    </message>
    <message>
        <source>Reminders</source>
        <translation>会员提醒</translation>
    </message>
    <message>
        <source>From</source>
        <translation>从</translation>
    </message>
    <message>
        <source>to</source>
        <translation>至</translation>
    </message>
    <message>
        <source>Reports are not available on this till.</source>
        <translation>本收银机不能查看报表。</translation>
    </message>
    <message>
        <source>Lines</source>
        <translation>行数</translation>
    </message>
    <message>
        <source>Payments</source>
        <translation>笔数</translation>
    </message>
    <message>
        <source>Qty</source>
        <translation>数量</translation>
    </message>
    <message>
        <source>Amount (net of returns)</source>
        <translation>金额（已扣退货）</translation>
    </message>
    <message>
        <source>Sales %1 %2</source>
        <translation>销售 %1 %2</translation>
    </message>
    <message>
        <source>Total %1 · %2</source>
        <translation>合计 %1 · %2</translation>
    </message>
    <message>
        <source>Members</source>
        <translation>会员总数</translation>
    </message>
    <message>
        <source>New members in the period</source>
        <translation>期间新会员</translation>
    </message>
    <message>
        <source>Members who bought</source>
        <translation>有消费的会员</translation>
    </message>
    <message>
        <source>Member sales</source>
        <translation>会员交易笔数</translation>
    </message>
    <message>
        <source>Members&apos; share of sales</source>
        <translation>会员交易占比</translation>
    </message>
    <message>
        <source>Revenue</source>
        <translation>销售额</translation>
    </message>
    <message>
        <source>Member revenue</source>
        <translation>会员销售额</translation>
    </message>
    <message>
        <source>Members&apos; share of revenue</source>
        <translation>会员销售额占比</translation>
    </message>
    <message>
        <source>Average ticket 客单价, members</source>
        <translation>平均客单价（会员）</translation>
    </message>
    <message>
        <source>Average ticket 客单价, non-members</source>
        <translation>平均客单价（非会员）</translation>
    </message>
    <message>
        <source>Points outstanding (liability)</source>
        <translation>未兑换积分（负债）</translation>
    </message>
    <message>
        <source>Stored value outstanding (liability)</source>
        <translation>储值余额（负债）</translation>
    </message>
    <message>
        <source>Member analysis %1</source>
        <translation>会员分析 %1</translation>
    </message>
    <message>
        <source>Figure</source>
        <translation>指标</translation>
    </message>
    <message>
        <source>Value</source>
        <translation>数值</translation>
    </message>
    <message>
        <source>Amount</source>
        <translation>金额</translation>
    </message>
    <message>
        <source>Birthday</source>
        <translation>生日</translation>
    </message>
    <message>
        <source>Low balance</source>
        <translation>余额不足</translation>
    </message>
    <message>
        <source>Card expiring</source>
        <translation>卡即将到期</translation>
    </message>
    <message>
        <source>Dormant</source>
        <translation>沉睡会员</translation>
    </message>
    <message>
        <source>Can redeem a gift</source>
        <translation>可兑换礼品</translation>
    </message>
    <message>
        <source>leap </source>
        <translation>闰</translation>
    </message>
    <message>
        <source>lunar %1</source>
        <translation>农历 %1</translation>
    </message>
    <message>
        <source>solar %1</source>
        <translation>公历 %1</translation>
    </message>
    <message>
        <source>last purchase %1</source>
        <translation>最近消费 %1</translation>
    </message>
    <message>
        <source>expires %1</source>
        <translation>%1 到期</translation>
    </message>
    <message>
        <source>%1 points</source>
        <translation>%1 分</translation>
    </message>
    <message>
        <source>yes</source>
        <translation>是</translation>
    </message>
    <message>
        <source>no</source>
        <translation>否</translation>
    </message>
    <message>
        <source>Reminder</source>
        <translation>提醒</translation>
    </message>
    <message>
        <source>Member</source>
        <translation>会员</translation>
    </message>
    <message>
        <source>Mobile</source>
        <translation>手机号</translation>
    </message>
    <message>
        <source>Detail</source>
        <translation>详情</translation>
    </message>
    <message>
        <source>Agrees to messages</source>
        <translation>同意接收消息</translation>
    </message>
    <message>
        <source>Excel files (*.xlsx)</source>
        <translation>Excel 文件 (*.xlsx)</translation>
    </message>
    <message>
        <source>Saved %1</source>
        <translation>已保存 %1</translation>
    </message>
</context>
<context>
    <name>RestoreScreen</name>
    <message>
        <source>Put a backup made with 备份 / pos backup in place of this till&apos;s database. The current database is kept beside it. Sales made after the backup that head office already received stay at head office; the till starts a new sync epoch so nothing is sent twice or lost. The app restarts afterwards.</source>
        <translation>用“备份”（pos backup）做的备份文件替换本机数据库。当前数据库会保留在旁边。备份之后的销售如总部已收到，仍保留在总部；收银机开始新的同步周期，不会重复上传，也不会丢失。完成后程序自动重启。</translation>
    </message>
    <message>
        <source>Choose a backup file…</source>
        <translation>选择备份文件…</translation>
    </message>
    <message>
        <source>Backup file</source>
        <translation>备份文件</translation>
    </message>
    <message>
        <source>Till backups (*.sqlite3 *.db *.bak);;All files (*)</source>
        <translation>收银机备份 (*.sqlite3 *.db *.bak);;所有文件 (*)</translation>
    </message>
    <message>
        <source>Restore the backup of %1 (last sale or change recorded %2, %3 event(s))?

Everything done on this till after that time leaves this till&apos;s database (it is kept in a file beside it). What head office received stays there. A new sync epoch starts and the app restarts.</source>
        <translation>恢复 %1 的备份吗？（最后一笔记录 %2，共 %3 条）

此后在本机做的一切将从本机数据库中移除（另存为旁边的文件）。总部已收到的仍保留在总部。将开始新的同步周期，程序随后重启。</translation>
    </message>
    <message>
        <source>Restore backup</source>
        <translation>恢复备份</translation>
    </message>
    <message>
        <source>Restoring…</source>
        <translation>正在恢复…</translation>
    </message>
    <message>
        <source>Restored: sync epoch %1, %2 event(s) to send. The previous database is kept as %3. Restarting…</source>
        <translation>已恢复：同步周期 %1，待上传 %2 条。原数据库另存为 %3。正在重启…</translation>
    </message>
    <message>
        <source>Not restored: %1</source>
        <translation>未恢复：%1</translation>
    </message>
</context>
<context>
    <name>ReturnsDialog</name>
    <message>
        <source>Return</source>
        <translation>退货</translation>
    </message>
    <message>
        <source>Scan the QR code on the receipt or type its number</source>
        <translation>扫描小票上的二维码或输入小票号</translation>
    </message>
    <message>
        <source>Find</source>
        <translation>查找</translation>
    </message>
    <message>
        <source>No.</source>
        <translation>序号</translation>
    </message>
    <message>
        <source>Item</source>
        <translation>商品</translation>
    </message>
    <message>
        <source>Sold</source>
        <translation>已售</translation>
    </message>
    <message>
        <source>Amount</source>
        <translation>金额</translation>
    </message>
    <message>
        <source>Return qty</source>
        <translation>退货数量</translation>
    </message>
    <message>
        <source>Return everything</source>
        <translation>整单退货</translation>
    </message>
    <message>
        <source>Book the return</source>
        <translation>确认退货</translation>
    </message>
    <message>
        <source>Close (Esc)</source>
        <translation>关闭 (Esc)</translation>
    </message>
    <message>
        <source>no member</source>
        <translation>非会员</translation>
    </message>
    <message>
        <source>Receipt %1 · %2 · total %3 · %4 · paid by %5</source>
        <translation>小票 %1 · %2 · 合计 %3 · %4 · 付款方式 %5</translation>
    </message>
    <message>
        <source>%1 (returned %2)</source>
        <translation>%1（已退 %2）</translation>
    </message>
    <message>
        <source>Choose what comes back: set a return quantity.</source>
        <translation>请选择退回的商品：填写退货数量。</translation>
    </message>
</context>
<context>
    <name>RulesScreen</name>
    <message>
        <source>Rule set version %1</source>
        <translation>会员规则版本 %1</translation>
    </message>
    <message>
        <source>Tiers:</source>
        <translation>会员等级：</translation>
    </message>
    <message>
        <source>%1: pays %2折 · joins with a purchase of %3 · upgrade at %4 accumulated points</source>
        <translation>%1：%2折 · 单日消费满 %3 可办 · 累计积分 %4 升级</translation>
    </message>
    <message>
        <source>1 point per %1 of eligible spend; %2 bonus points when a sale earns %3 or more; lottery when the balance ends in %4.</source>
        <translation>每消费 %1 积 1 分；单笔积分达 %3 分另送 %2 分；积分余额尾数为 %4 可参加抽奖。</translation>
    </message>
    <message>
        <source>Gift ladder: %1 points for a gift up to %2, every further %3 points add %4.</source>
        <translation>礼品阶梯：%1 分兑 %2 以内礼品，每多 %3 分上限增加 %4。</translation>
    </message>
    <message>
        <source>Points as cash: %1 points = ¥1.00, at most %2% of a sale.</source>
        <translation>积分抵现：%1 分 = ¥1.00，最多抵单笔金额的 %2%。</translation>
    </message>
    <message>
        <source>Stored value: member PIN above %1.</source>
        <translation>储值支付超过 %1 需输入会员密码。</translation>
    </message>
    <message>
        <source>Top up %1, get %2 bonus.</source>
        <translation>充值 %1，赠送 %2。</translation>
    </message>
    <message>
        <source>Manual discount limit for %1: %2%</source>
        <translation>%1手工折扣上限：%2%</translation>
    </message>
</context>
<context>
    <name>SellingScreen</name>
    <message>
        <source>Scan or type a barcode, SKU, 3*code or a name; Enter on an empty line pays</source>
        <translation>扫码或输入条码、货号、数量*条码或品名；空行按回车收款</translation>
    </message>
    <message>
        <source>Preview receipt (Ctrl+P)</source>
        <translation>预览小票 (Ctrl+P)</translation>
    </message>
    <message>
        <source>Save receipt as PDF…</source>
        <translation>小票另存为 PDF…</translation>
    </message>
    <message>
        <source>Items</source>
        <translation>件数</translation>
    </message>
    <message>
        <source>Subtotal</source>
        <translation>原价合计</translation>
    </message>
    <message>
        <source>Discounts</source>
        <translation>优惠</translation>
    </message>
    <message>
        <source>Due</source>
        <translation>应收</translation>
    </message>
    <message>
        <source>Member</source>
        <translation>会员</translation>
    </message>
    <message>
        <source>Quantity</source>
        <translation>数量</translation>
    </message>
    <message>
        <source>Delete line</source>
        <translation>删除商品</translation>
    </message>
    <message>
        <source>Hold</source>
        <translation>挂单</translation>
    </message>
    <message>
        <source>Recall</source>
        <translation>取单</translation>
    </message>
    <message>
        <source>Return</source>
        <translation>退货</translation>
    </message>
    <message>
        <source>Discount</source>
        <translation>折扣</translation>
    </message>
    <message>
        <source>Reprint</source>
        <translation>重印小票</translation>
    </message>
    <message>
        <source>Redeem</source>
        <translation>积分兑换</translation>
    </message>
    <message>
        <source>Open drawer</source>
        <translation>开钱箱</translation>
    </message>
    <message>
        <source>Pay</source>
        <translation>收款</translation>
    </message>
    <message>
        <source>Top up</source>
        <translation>充值</translation>
    </message>
    <message>
        <source>Last receipt</source>
        <translation>上一张小票</translation>
    </message>
    <message>
        <source>Manager</source>
        <translation>店长</translation>
    </message>
    <message>
        <source>Log out</source>
        <translation>退出登录</translation>
    </message>
    <message>
        <source>Coupon</source>
        <translation>优惠券</translation>
    </message>
    <message>
        <source>Finish the payment or go back to the basket (Esc) before scanning.</source>
        <translation>请先完成收款，或按 Esc 返回商品列表后再扫码。</translation>
    </message>
    <message>
        <source>The card could not be read: swipe it again, steadily, or type the card number.</source>
        <translation>读卡失败：请匀速重刷一次，或手工输入卡号。</translation>
    </message>
    <message>
        <source>That is receipt %1: press F7 for a return.</source>
        <translation>这是小票 %1：退货请按 F7。</translation>
    </message>
    <message>
        <source>Card %1 (%2) was refused.</source>
        <translation>卡 %1（%2）被拒绝。</translation>
    </message>
    <message>
        <source>Card %1 was refused.</source>
        <translation>卡 %1 被拒绝。</translation>
    </message>
    <message>
        <source>The sale stays with member %1 (card %2).</source>
        <translation>本单仍按会员 %1（卡 %2）结算。</translation>
    </message>
    <message>
        <source>No member price, no points, cannot pay with balance.</source>
        <translation>不享受会员价、不积分、不能用余额支付。</translation>
    </message>
    <message>
        <source>New quantity for line %1</source>
        <translation>第 %1 行的新数量</translation>
    </message>
    <message>
        <source>Void line</source>
        <translation>删除商品行</translation>
    </message>
    <message>
        <source>Void line %1: %2 × %3, %4?</source>
        <translation>删除第 %1 行：%2 × %3，%4？</translation>
    </message>
    <message>
        <source>Void (Enter)</source>
        <translation>删除 (Enter)</translation>
    </message>
    <message>
        <source>Keep (Esc)</source>
        <translation>保留 (Esc)</translation>
    </message>
    <message>
        <source>voiding a line</source>
        <translation>删除商品行</translation>
    </message>
    <message>
        <source>Sale held. Recall it with F6.</source>
        <translation>已挂单，按 F6 取回。</translation>
    </message>
    <message>
        <source>No sale is on hold.</source>
        <translation>没有挂起的交易。</translation>
    </message>
    <message>
        <source>a return</source>
        <translation>退货</translation>
    </message>
    <message>
        <source>Return %1 booked: refund %2.</source>
        <translation>退货单 %1 已完成：退款 %2。</translation>
    </message>
    <message>
        <source>Cash back %1</source>
        <translation>退现金 %1</translation>
    </message>
    <message>
        <source>Back to the member card %1</source>
        <translation>退回会员卡 %1</translation>
    </message>
    <message>
        <source>Back as points %1</source>
        <translation>退回积分 %1</translation>
    </message>
    <message>
        <source>Back to %1 %2</source>
        <translation>退回%1 %2</translation>
    </message>
    <message>
        <source>New card balance %1</source>
        <translation>会员卡新余额 %1</translation>
    </message>
    <message>
        <source>Save receipt as PDF</source>
        <translation>小票另存为 PDF</translation>
    </message>
    <message>
        <source>PDF files (*.pdf)</source>
        <translation>PDF 文件 (*.pdf)</translation>
    </message>
    <message>
        <source>Receipt saved as %1</source>
        <translation>小票已保存为 %1</translation>
    </message>
    <message>
        <source>Pay rate for line %1 (e.g. 0.9 = 10% off; end with * for the whole sale)</source>
        <translation>第 %1 行的折扣率（如 0.9 表示 9 折；以 * 结尾表示整单）</translation>
    </message>
    <message>
        <source>a manual discount</source>
        <translation>手工折扣</translation>
    </message>
    <message>
        <source>Swipe the member card first, then top up (Ctrl+T).</source>
        <translation>请先刷会员卡，再充值 (Ctrl+T)。</translation>
    </message>
    <message>
        <source>%1 · card %2 · balance %3</source>
        <translation>%1 · 卡号 %2 · 余额 %3</translation>
    </message>
    <message>
        <source>Packages 套餐…</source>
        <translation>储值套餐…</translation>
    </message>
    <message>
        <source>Package %1 sold: %2 paid in, bonus %3. New balance %4.</source>
        <translation>已售出套餐 %1：实充 %2，赠送 %3。新余额 %4。</translation>
    </message>
    <message>
        <source>Confirm top-up</source>
        <translation>确认充值</translation>
    </message>
    <message>
        <source>Top up %1 for %2 (card %3)?
Bonus %4: the card gets %5.
Paid by %6.</source>
        <translation>为 %2（卡号 %3）充值 %1？
赠送 %4：卡内共增加 %5。
付款方式：%6。</translation>
    </message>
    <message>
        <source>Top up (Enter)</source>
        <translation>充值 (Enter)</translation>
    </message>
    <message>
        <source>Back (Esc)</source>
        <translation>返回 (Esc)</translation>
    </message>
    <message>
        <source>a top-up</source>
        <translation>充值</translation>
    </message>
    <message>
        <source>Topped up %1 (bonus %2). New balance %3.</source>
        <translation>已充值 %1（赠送 %2）。新余额 %3。</translation>
    </message>
    <message>
        <source>opening the drawer</source>
        <translation>开钱箱</translation>
    </message>
    <message>
        <source>Open drawer without a sale</source>
        <translation>无销售开钱箱</translation>
    </message>
    <message>
        <source>Why is the drawer opened? (e.g. change for a note)</source>
        <translation>开钱箱原因？（例如：换零钱）</translation>
    </message>
    <message>
        <source>Change %1</source>
        <translation>找零 %1</translation>
    </message>
    <message>
        <source>No change</source>
        <translation>无需找零</translation>
    </message>
    <message>
        <source>%1 (received %2)</source>
        <translation>%1（实收 %2）</translation>
    </message>
    <message>
        <source>Sale %1 done. %2. Printing the receipt…</source>
        <translation>交易 %1 已完成。%2。正在打印小票…</translation>
    </message>
    <message>
        <source>No receipt to print yet.</source>
        <translation>还没有可打印的小票。</translation>
    </message>
    <message>
        <source>No receipt printer is set up: nothing was printed. Preview the receipt or save it as a PDF.</source>
        <translation>未设置小票打印机：没有打印。可预览小票或另存为 PDF。</translation>
    </message>
    <message>
        <source>Receipt printed.</source>
        <translation>小票已打印。</translation>
    </message>
    <message>
        <source>The receipt is waiting for reprint (F9). %1</source>
        <translation>小票等待重印 (F9)。%1</translation>
    </message>
    <message>
        <source>Printing the receipt…</source>
        <translation>正在打印小票…</translation>
    </message>
</context>
<context>
    <name>SettingsScreen</name>
    <message>
        <source>Language</source>
        <translation>语言</translation>
    </message>
    <message>
        <source>Shop code</source>
        <translation>门店编码</translation>
    </message>
    <message>
        <source>Shop name</source>
        <translation>门店名称</translation>
    </message>
    <message>
        <source>Shop address</source>
        <translation>门店地址</translation>
    </message>
    <message>
        <source>Shop phone</source>
        <translation>门店电话</translation>
    </message>
    <message>
        <source>Till code</source>
        <translation>收银机编号</translation>
    </message>
    <message>
        <source>Receipt footer</source>
        <translation>小票页脚</translation>
    </message>
    <message>
        <source>Head office address</source>
        <translation>总部服务器地址</translation>
    </message>
    <message>
        <source>Save</source>
        <translation>保存</translation>
    </message>
    <message>
        <source>Saved. The shop name and receipt footer are used from the next receipt; device changes apply after a restart.</source>
        <translation>已保存。店名和小票页脚从下一张小票起生效；设备设置重启后生效。</translation>
    </message>
</context>
<context>
    <name>ShiftScreen</name>
    <message>
        <source>Cash counted in the drawer, e.g. 1234.50</source>
        <translation>钱箱实点现金，如 1234.50</translation>
    </message>
    <message>
        <source>Show Z report so far</source>
        <translation>查看当前交班报表</translation>
    </message>
    <message>
        <source>Close shift</source>
        <translation>交班结账</translation>
    </message>
    <message>
        <source>Print Z report</source>
        <translation>打印交班报表</translation>
    </message>
    <message>
        <source>Save Z report as PDF…</source>
        <translation>交班报表另存为 PDF…</translation>
    </message>
    <message>
        <source>Counted cash ¥</source>
        <translation>实点现金 ¥</translation>
    </message>
    <message>
        <source>Expected cash %1, counted %2.</source>
        <translation>应有现金 %1，实点 %2。</translation>
    </message>
    <message>
        <source>%1 basket(s) are still on hold: they stay on hold and are listed on the Z report.</source>
        <translation>还有 %1 笔挂单未取：挂单将保留，并列在交班报表上。</translation>
    </message>
    <message>
        <source>Close the shift?</source>
        <translation>确认交班？</translation>
    </message>
    <message>
        <source>Back</source>
        <translation>返回</translation>
    </message>
    <message>
        <source>Short by %1</source>
        <translation>短款 %1</translation>
    </message>
    <message>
        <source>Over by %1</source>
        <translation>长款 %1</translation>
    </message>
    <message>
        <source>The drawer balances.</source>
        <translation>现金相符。</translation>
    </message>
    <message>
        <source>No receipt printer is set up: save the Z report as a PDF instead.</source>
        <translation>未设置小票打印机：请将交班报表另存为 PDF。</translation>
    </message>
    <message>
        <source>Z report printed.</source>
        <translation>交班报表已打印。</translation>
    </message>
    <message>
        <source>The printer did not print the Z report; it waits for reprint (F9).</source>
        <translation>打印机未打印交班报表，已放入补打队列 (F9)。</translation>
    </message>
    <message>
        <source>Save Z report as PDF</source>
        <translation>交班报表另存为 PDF</translation>
    </message>
    <message>
        <source>PDF files (*.pdf)</source>
        <translation>PDF 文件 (*.pdf)</translation>
    </message>
    <message>
        <source>Z report saved as %1</source>
        <translation>交班报表已保存为 %1</translation>
    </message>
    <message>
        <source>Z report · shop %1 · till %2 · %3</source>
        <translation>交班报表 · 门店 %1 · 收银机 %2 · %3</translation>
    </message>
    <message>
        <source>Opened %1</source>
        <translation>开班 %1</translation>
    </message>
    <message>
        <source>Closed %1</source>
        <translation>结班 %1</translation>
    </message>
    <message>
        <source>Still open</source>
        <translation>尚未结班</translation>
    </message>
    <message>
        <source>Sales: %1, total %2</source>
        <translation>销售：%1 笔，合计 %2</translation>
    </message>
    <message>
        <source>Returns: %1, total %2</source>
        <translation>退货：%1 笔，合计 %2</translation>
    </message>
    <message>
        <source>Discounts given: %1</source>
        <translation>优惠合计：%1</translation>
    </message>
    <message>
        <source>Member sales: %1</source>
        <translation>会员交易：%1 笔</translation>
    </message>
    <message>
        <source>refund</source>
        <translation>退款</translation>
    </message>
    <message>
        <source>Points issued %1, redeemed %2</source>
        <translation>发放积分 %1，使用积分 %2</translation>
    </message>
    <message>
        <source>Stored value: topped up %1 (bonus %2), spent %3, refunded %4</source>
        <translation>储值：充值 %1（赠送 %2），消费 %3，退款 %4</translation>
    </message>
    <message>
        <source>Float %1 · pay-ins %2 · pay-outs %3</source>
        <translation>备用金 %1 · 存入 %2 · 取出 %3</translation>
    </message>
    <message>
        <source>Expected cash in drawer: %1</source>
        <translation>钱箱应有现金：%1</translation>
    </message>
    <message>
        <source>Counted: %1 · difference %2</source>
        <translation>实点：%1 · 差额 %2</translation>
    </message>
    <message>
        <source>Still on hold: %1</source>
        <translation>未取挂单：%1 笔</translation>
    </message>
    <message>
        <source>%1 · %2 item(s) · %3 %4</source>
        <translation>%1 · %2件 · %3 %4</translation>
    </message>
    <message>
        <source>%1 basket(s) are still on hold: recall them (F6) or they stay on hold into the next shift.</source>
        <translation>还有 %1 笔挂单未取：请取单 (F6)，否则挂单将留到下一班。</translation>
    </message>
</context>
<context>
    <name>Startup</name>
    <message>
        <source>The till could not start. The details are in %1.</source>
        <translation>收银程序无法启动。详细信息见 %1。</translation>
    </message>
</context>
<context>
    <name>SyncScreen</name>
    <message>
        <source>An amount or quantity is impossibly large.</source>
        <translation>金额或数量大得不可能。</translation>
    </message>
    <message>
        <source>The till&apos;s clock stamp on this change is wrong (date and time far off).</source>
        <translation>这条修改的时间戳不对（收银机日期时间偏差太大）。</translation>
    </message>
    <message>
        <source>The record is incomplete or damaged.</source>
        <translation>记录不完整或已损坏。</translation>
    </message>
    <message>
        <source>The record is too large to accept.</source>
        <translation>记录太大，总部无法接收。</translation>
    </message>
    <message>
        <source>Head office does not know this kind of record (update the till).</source>
        <translation>总部不认识这种记录（请升级收银机）。</translation>
    </message>
    <message>
        <source>Head office already holds a different record with this number.</source>
        <translation>总部已有一条同编号但内容不同的记录。</translation>
    </message>
    <message>
        <source>Another till already sent a record with this number.</source>
        <translation>另一台收银机已上传过同编号的记录。</translation>
    </message>
    <message>
        <source>Head office could not book it (its data did not fit).</source>
        <translation>总部无法入账（数据不符）。</translation>
    </message>
    <message>
        <source>Refused by head office (%1).</source>
        <translation>总部拒收（%1）。</translation>
    </message>
    <message>
        <source>Sale or return</source>
        <translation>销售或退货</translation>
    </message>
    <message>
        <source>Stored value</source>
        <translation>储值</translation>
    </message>
    <message>
        <source>Points</source>
        <translation>积分</translation>
    </message>
    <message>
        <source>Member card</source>
        <translation>会员卡</translation>
    </message>
    <message>
        <source>Member</source>
        <translation>会员</translation>
    </message>
    <message>
        <source>Cash drawer</source>
        <translation>钱箱</translation>
    </message>
    <message>
        <source>Shift</source>
        <translation>班次</translation>
    </message>
    <message>
        <source>Count pass</source>
        <translation>计次卡</translation>
    </message>
    <message>
        <source>%1 min ago</source>
        <translation>%1 分钟前</translation>
    </message>
    <message>
        <source>%1 h ago</source>
        <translation>%1 小时前</translation>
    </message>
    <message>
        <source>%1 days ago</source>
        <translation>%1 天前</translation>
    </message>
    <message>
        <source>Last contact with head office:</source>
        <translation>最近一次连上总部：</translation>
    </message>
    <message>
        <source>Waiting to be sent:</source>
        <translation>待上传：</translation>
    </message>
    <message>
        <source>Till clock:</source>
        <translation>收银机时钟：</translation>
    </message>
    <message>
        <source>When</source>
        <translation>时间</translation>
    </message>
    <message>
        <source>What</source>
        <translation>内容</translation>
    </message>
    <message>
        <source>Why head office refused it</source>
        <translation>总部拒收原因</translation>
    </message>
    <message>
        <source>No.</source>
        <translation>序号</translation>
    </message>
    <message>
        <source>Sync now</source>
        <translation>立即同步</translation>
    </message>
    <message>
        <source>Mark resolved…</source>
        <translation>标记为已处理…</translation>
    </message>
    <message>
        <source>Refused by head office (a person must deal with each one):</source>
        <translation>总部拒收的记录（每条都需有人处理）：</translation>
    </message>
    <message>
        <source>This till is not enrolled with head office.</source>
        <translation>本机尚未在总部注册。</translation>
    </message>
    <message>
        <source>Ask head office for an enrolment code, then run on this till: pos sync --enrol CODE --url HEAD-OFFICE-ADDRESS. Everything recorded meanwhile is kept and sent after enrolment.</source>
        <translation>请向总部索取注册码，然后在本机运行：pos sync --enrol 注册码 --url 总部地址。期间记录的一切都会保留，注册后上传。</translation>
    </message>
    <message>
        <source>Never</source>
        <translation>从未</translation>
    </message>
    <message>
        <source>offline now</source>
        <translation>当前离线</translation>
    </message>
    <message>
        <source>%1 event(s)</source>
        <translation>%1 条</translation>
    </message>
    <message>
        <source>Behind: the date and time were set back. Offline limits use the stricter reading; set the clock.</source>
        <translation>时钟被调回（慢了）：离线限额按更严的时间计算；请校正日期时间。</translation>
    </message>
    <message>
        <source>Ahead of the time since the last contact; offline limits use the stricter reading.</source>
        <translation>时钟比上次连线以来走得快：离线限额按更严的时间计算。</translation>
    </message>
    <message>
        <source>OK</source>
        <translation>正常</translation>
    </message>
    <message>
        <source>Could not read the sync state: %1</source>
        <translation>无法读取同步状态：%1</translation>
    </message>
    <message>
        <source>Syncing…</source>
        <translation>正在同步…</translation>
    </message>
    <message>
        <source>Synced: %1 sent.</source>
        <translation>已同步：上传 %1 条。</translation>
    </message>
    <message>
        <source>Head office could not be reached; the till keeps selling and tries again.</source>
        <translation>连不上总部；收银机继续营业并会自动重试。</translation>
    </message>
    <message>
        <source>Pick a refused event first.</source>
        <translation>请先选中一条拒收记录。</translation>
    </message>
    <message>
        <source>Mark resolved</source>
        <translation>标记为已处理</translation>
    </message>
    <message>
        <source>What was done (e.g. re-entered, head office told):</source>
        <translation>做了什么处理（如：已重新录入、已告知总部）：</translation>
    </message>
    <message>
        <source>Only a manager can mark a refused event resolved.</source>
        <translation>只有店长可以把拒收记录标记为已处理。</translation>
    </message>
    <message>
        <source>Marked resolved.</source>
        <translation>已标记为已处理。</translation>
    </message>
    <message>
        <source>Already resolved.</source>
        <translation>已经处理过了。</translation>
    </message>
</context>
<context>
    <name>UsersScreen</name>
    <message>
        <source>User</source>
        <translation>用户</translation>
    </message>
    <message>
        <source>Name</source>
        <translation>名称</translation>
    </message>
    <message>
        <source>Role</source>
        <translation>角色</translation>
    </message>
    <message>
        <source>Add user</source>
        <translation>添加用户</translation>
    </message>
    <message>
        <source>Reset PIN</source>
        <translation>重置密码</translation>
    </message>
    <message>
        <source>Set role</source>
        <translation>设置角色</translation>
    </message>
    <message>
        <source>User name</source>
        <translation>用户名</translation>
    </message>
    <message>
        <source>Display name</source>
        <translation>显示名称</translation>
    </message>
    <message>
        <source>PIN (4-8 digits)</source>
        <translation>密码（4-8 位数字）</translation>
    </message>
    <message>
        <source>User %1 added.</source>
        <translation>已添加用户 %1。</translation>
    </message>
    <message>
        <source>PIN of %1 reset.</source>
        <translation>已重置 %1 的密码。</translation>
    </message>
    <message>
        <source>Role of %1 changed.</source>
        <translation>已修改 %1 的角色。</translation>
    </message>
</context>
</TS>
