"""The Chinese of every refusal: officials read 中文, portals may also want the English.

A refusal is raised in English (the code's language, kept as ``detail_en``); this catalog holds
its Chinese. Each entry pairs the English template, with ``{}`` where the message carries a
value, and the Chinese, with ``{0}``, ``{1}``… naming those values in the English order.
``tests/domain/test_errors_zh.py`` reads the source for every refusal and fails, naming the file
and line, when one has no entry here.
"""

from __future__ import annotations

import re
from functools import cache

CATALOG: tuple[tuple[str, str], ...] = (
    # -- requests, headers, paging
    ("Idempotency-Key must be 1 to {} characters", "Idempotency-Key 的长度应为 1 至 {0} 个字符"),
    (
        "If-Match names version {}, but the current version is {}",
        "If-Match 指定的版本为 {0}，但对象当前版本为 {1}；请重新读取后再提交",
    ),
    ('If-Match takes an object version, e.g. "3"', 'If-Match 应为对象的版本号，例如 "3"'),
    (
        "a command with this Idempotency-Key is still running; retry later",
        "使用该 Idempotency-Key 的命令仍在执行，请稍后重试",
    ),
    (
        "this Idempotency-Key was used for a different request; use a new key",
        "该 Idempotency-Key 已用于另一请求，请使用新的键",
    ),
    (
        "another command changed this object at the same time; read it again and retry",
        "另一命令同时修改了该对象，请重新读取后重试",
    ),
    ("the cursor is not one this ledger gave out", "分页游标无效：不是本账本给出的游标"),
    (
        "the position asked for is not readable yet; retry shortly",
        "所请求的位置尚不可读，请稍后重试",
    ),
    (
        "a datetime needs its offset (+08:00 or Z), or give a date such as 2025-12-31",
        "日期时间须带时区偏移（+08:00 或 Z），或只给日期，例如 2025-12-31",
    ),
    (
        "give a date such as 2025-12-31 or a datetime with its offset",
        "请给出日期（例如 2025-12-31）或带时区偏移的日期时间",
    ),
    ("send Authorization: Bearer <token>", "请发送 Authorization: Bearer <令牌>"),
    ("the token is not valid", "令牌无效"),
    (
        "role {} may not do this; it needs one of: {}",
        "角色 {0} 无权执行此操作，需要以下角色之一：{1}",
    ),
    ("only department {} or the office may do this", "只有部门 {0} 或厅办公室可以执行此操作"),
    ("{} belongs to department {}, not {}", "{0}属于部门 {1}，而非 {2}"),
    ("the ledger is already initialised", "账本已初始化"),
    # -- time
    (
        "occurred_at {} is after the ledger's time {}; a fact cannot be recorded before it happens",
        "发生时间 occurred_at {0} 晚于账本时间 {1}：事实发生之前不能记录",
    ),
    (
        "occurred_at {} is before the object existed ({})",
        "发生时间 occurred_at {0} 早于该对象的建立时间（{1}）",
    ),
    (
        "occurred_at {} is before this request's last event ({})",
        "发生时间 occurred_at {0} 早于该申请的上一事件（{1}）",
    ),
    # -- lookups
    ("no {} with id {} at {}", "在 {2} 不存在 id 为 {1} 的{0}"),
    ("no {} with id {}", "不存在 id 为 {1} 的{0}"),
    ("no data resource with id {}", "不存在 id 为 {0} 的数据资源"),
    ("no department with code {}", "不存在代码为 {0} 的部门"),
    ("no information system with id {}", "不存在 id 为 {0} 的政务信息系统"),
    ("no event at position {}", "位置 {0} 上没有事件"),
    ("nothing on the record has id {}", "账本中没有 id 为 {0} 的记录"),
    ("{} is neither an object id nor an event position", "{0} 既不是对象 id，也不是事件位置"),
    # -- departments, principals, triggers (Art. 12, 38)
    ("a department needs a name", "部门须有名称"),
    (
        "department code {} must be 2-32 capital letters, digits or _ (e.g. ZYKF)",
        "部门代码 {0} 应为 2 至 32 位大写字母、数字或下划线（例如 ZYKF）",
    ),
    ("department {} is already registered", "部门 {0} 已登记"),
    ("department {} is dissolved", "部门 {0} 已撤销"),
    ("a responsible person must be named (Art. 38)", "须指定数据共享责任人（第38条）"),
    ("a principal needs a name", "用户须有名称"),
    ("principal {} is already revoked", "用户 {0} 已被注销"),
    ("a revocation states its reason", "注销用户须说明理由"),
    ("a dissolution states its reason", "撤销部门须说明理由"),
    (
        "department {} is dissolved; its principals may not act",
        "部门 {0} 已撤销，其用户不能再操作",
    ),
    ("a law change needs a title", "法律法规修改须有标题"),
    (
        "name at least one department whose catalog the change affects",
        "至少列出一个目录受此修改影响的部门",
    ),
    ("describe the change of functions", "请说明职能变更的内容"),
    ("{} must not be blank (Art. {})", "{0} 不能为空（第{1}条）"),
    ("a schedule lists its holidays", "节假日安排须列出节假日"),
    # -- resources and the catalog (Art. 10-12, 23-24)
    (
        "resource code {} starts with {}, but category {} ({}) needs {}",
        "资源代码 {0} 以 {1} 开头，但分类 {2}（{3}）的代码应以 {4} 开头",
    ),
    (
        "{} is basic data: once declassified it is shared unconditionally (Art. 24(2)); "
        "share_type must be unconditional",
        "{0}属于基础数据：非涉密的应无条件共享（第24条第二项），共享属性须为无条件共享",
    ),
    (
        "not_shared data needs a legal basis: a law, an administrative regulation or a central "
        "policy (Art. 24(1))",
        "不予共享的数据须有法律依据：法律、行政法规或党中央、国务院政策（第24条第一项）",
    ),
    (
        "{} cannot justify not sharing: only a law, an administrative regulation or a central "
        "policy can (Art. 24(1))",
        "{0}不能作为不予共享的依据：只有法律、行政法规或党中央、国务院政策可以（第24条第一项）",
    ),
    (
        "conditional sharing must state its {} (Art. 24(3))",
        "有条件共享须注明共享条件：{0}（第24条第三项）",
    ),
    ("a resource cannot move to another department", "数据资源不能转给另一部门"),
    (
        "a resource's code cannot change; retire it and catalog anew",
        "数据资源代码不能修改：请注销后重新编目",
    ),
    ("the amendment changes nothing", "本次变更没有改动任何字段"),
    ("retiring a resource needs a reason", "注销数据资源须说明理由"),
    ("resource {} is retired", "数据资源 {0} 已注销"),
    ("resource {} holds no data item {}", "数据资源 {0} 不含信息项 {1}"),
    ("resource code {} is already in the catalog", "资源代码 {0} 已在目录中"),
    ("a catalog submission lists at least one resource", "目录报送至少列出一项数据资源"),
    ("this submission was already {}", "该目录报送已{0}"),
    (
        "resource {} was amended after submission; return the submission so the department "
        "submits it again",
        "数据资源 {0} 在报送后被修改：请退回该报送，由部门重新报送",
    ),
    ("returning a catalog needs at least one reason", "退回目录至少须说明一条理由"),
    ("an update application states its reason", "目录更新申请须说明理由"),
    ("this application is already filed", "该更新申请已备案"),
    (
        "{} is not a law change or function change affecting {}",
        "{0} 不是影响部门 {1} 的法律法规修改或职能变更",
    ),
    (
        "a check for {} cannot be recorded as done in {}",
        "{0} 年度的一致性检测不能记录为在 {1} 年完成",
    ),
    # -- systems (Art. 2, 19-20)
    ("an information system needs a name", "政务信息系统须有名称"),
    ("{} has cataloged no data resource of system {}", "部门 {0} 尚未编目系统 {1} 的任何数据资源"),
    (
        "{} has cataloged no data resource of system {}: a new system's catalog is a condition "
        "of its project approval (Art. 20); catalog its resources with system_id {}",
        "部门 {0} 尚未编目系统 {1} 的任何数据资源：新建系统须先编制目录方可立项（第20条）；"
        "请以 system_id {2} 编目其数据资源",
    ),
    (
        "resources {} of system {} are not in the unified catalog; they join it before trial "
        "operation (Art. 20)",
        "系统 {1} 的数据资源 {0} 不在统一目录中：试运行前须纳入目录（第20条）",
    ),
    (
        "system {} has no project approval; trial operation comes after it",
        "系统 {0} 尚未立项：立项后方可试运行",
    ),
    ("system {} is already approved", "系统 {0} 已立项"),
    ("system {} is already connected", "系统 {0} 已接入厅共享系统"),
    ("system {} is already in trial operation", "系统 {0} 已在试运行"),
    (
        "system {} is an existing system; {} is for new systems (Art. 20)",
        "系统 {0} 是已建系统：{1}仅适用于新建系统（第20条）",
    ),
    (
        "system {} is classified: classified systems are governed by the secrecy laws, not "
        "connected to the sharing system (Art. 2)",
        "系统 {0} 为涉密系统：涉密系统按保密法律法规管理，不接入厅共享系统（第2条）",
    ),
    (
        "system {} is not connected to the sharing system (Art. 19)",
        "系统 {0} 尚未接入厅共享系统（第19条）",
    ),
    ("system {} is retired", "系统 {0} 已停用"),
    # -- aggregation (Art. 19, 39(4))
    (
        "resource {} is not in the unified catalog (Art. 11, 19)",
        "数据资源 {0} 不在统一目录中（第11、19条）",
    ),
    (
        "resource {} is classified: only 非涉密 data is aggregated",
        "数据资源 {0} 为涉密数据：只汇聚非涉密数据",
    ),
    ("system {} belongs to {}; resource {} is {}'s", "系统 {0} 属于 {1}，而数据资源 {2} 属于 {3}"),
    ("resource {} comes from system {}", "数据资源 {0} 来自系统 {1}"),
    (
        "period_end {} is before period_start {}",
        "截止日期 period_end {0} 早于起始日期 period_start {1}",
    ),
    (
        "period_end {} is after the day of receipt {}: what is aggregated is data already "
        "produced (Art. 19)",
        "截止日期 period_end {0} 晚于接收日 {1}：汇聚的是已产生的数据（第19条）",
    ),
    (
        "checksum must be the {} digest: {} hexadecimal digits",
        "校验值应为 {0} 摘要：{1} 位十六进制数字",
    ),
    ("record_count cannot be negative", "记录数 record_count 不能为负数"),
    ("this aggregation receipt is already rejected", "该汇聚记录已被退回"),
    (
        "a rejection states why the data does not conform or cannot be used",
        "退回须说明数据不符合规范或无法使用的原因",
    ),
    # -- share requests and arrangements (Art. 18, 24-30)
    (
        "resource {} is not in the unified catalog ({}); only cataloged, approved resources are "
        "requested (Art. 11, 25-26)",
        "数据资源 {0} 不在统一目录中（{1}）：只能申请已编目并经审核的数据资源（第11、25、26条）",
    ),
    (
        "resource {} is {}'s own data; it needs no request",
        "数据资源 {0} 是 {1} 自己的数据，无需申请",
    ),
    ("resource {} is {}'s own, not shared data", "数据资源 {0} 是 {1} 自己的数据，不是共享数据"),
    ("a {} requests through {} (channel {})", "{0}应通过{1}申请（channel 为 {2}）"),
    (
        "department {} is registered as {}; role {} ({}) cannot request data for it",
        "部门 {0} 登记为{1}，角色 {2}（{3}）不能为其申请数据",
    ),
    (
        "expires_at {} is not after the approval itself",
        "有效期 expires_at {0} 不晚于批准时间",
    ),
    (
        "a refusal to share must state its reason (Art. 26: 对拒绝共享的，应当说明理由)",
        "拒绝共享须说明理由（第26条：对拒绝共享的，应当说明理由）",
    ),
    (
        "this request is {} ({}); only a pending request for conditional data is replied to, "
        "once (Art. 26)",
        "该申请状态为 {0}（{1}）：只有待答复的有条件共享申请才能答复，且只答复一次（第26条）",
    ),
    ("only {} and {} negotiate this request", "只有 {0} 和 {1} 可以就该申请进行协商"),
    (
        "this request is {} ({}); only refused or not-shared requests are negotiated and "
        "escalated (Art. 27, 29)",
        "该申请状态为 {0}（{1}）：只有被拒绝或不予共享的申请才能协商和提请协调（第27、29条）",
    ),
    (
        "record the negotiation first: a request goes to the leading group when negotiation "
        "fails (Art. 27: 协商未果的)",
        "请先记录协商：协商未果的，方可提请厅网信领导小组协调（第27条）",
    ),
    (
        "{} escalates this request to the leading group (Art. {})",
        "应由 {0} 将该申请提请厅网信领导小组协调（第{1}条）",
    ),
    ("the leading group has already decided this request", "厅网信领导小组已对该申请作出协调决定"),
    (
        "the leading group has decided this request; its decision is binding",
        "厅网信领导小组已作出协调决定，该决定具有约束力",
    ),
    (
        "the request is {}; the leading group decides escalated ones",
        "该申请状态为 {0}：厅网信领导小组只对已提请协调的申请作出决定",
    ),
    (
        "only {} (provider) and {} (user) agree this arrangement",
        "只有 {0}（提供部门）和 {1}（使用部门）可以商定该时效性安排",
    ),
    (
        "{} provides this resource; an arrangement is with another department",
        "{0} 是该数据资源的提供部门：时效性安排须与另一部门商定",
    ),
    (
        "resource {} is not in the unified catalog; arrangements share cataloged data through "
        "the sharing system (Art. 28)",
        "数据资源 {0} 不在统一目录中：时效性安排通过共享系统共享已编目的数据（第28条）",
    ),
    (
        "resource {} is not shared by law (Art. 24(1)); only the leading group's coordination "
        "can share it (Art. 27)",
        "数据资源 {0} 依法不予共享（第24条第一项）：只有经厅网信领导小组协调才能共享（第27条）",
    ),
    (
        "valid_to {} must be after valid_from {}",
        "有效期止 valid_to {0} 须晚于有效期起 valid_from {1}",
    ),
    # -- data uses (Art. 36)
    (
        "a use relies on a share request or on an arrangement; cite one of them",
        "数据使用须依据一项共享申请或一项时效性安排，请只注明其中之一",
    ),
    (
        "obtained_at {} is after the record itself ({}); a use is recorded once the data is "
        "obtained",
        "获取时间 obtained_at {0} 晚于记录时间（{1}）：数据获取之后才能记录使用",
    ),
    # -- verification and unique sources (Art. 17, 31)
    (
        "resource {} is {}'s own: a department verifies its own data itself (Art. 17); a "
        "request goes to another, providing department",
        "数据资源 {0} 是 {1} 自己的数据：本部门数据由本部门自行校核（第17条），"
        "校核申请应向其他提供部门提出",
    ),
    (
        "resource {} is not in the unified catalog: only shared data obtained from it is "
        "disputed (Art. 31)",
        "数据资源 {0} 不在统一目录中：只能对从目录获取的共享数据提出校核（第31条）",
    ),
    ("say what is doubted or wrong in the data", "请说明数据中存疑或错误之处"),
    ("this request was already answered: {}", "该校核申请已答复：{0}"),
    (
        "a correction states what was corrected and how (Art. 31)",
        "更正须说明更正了什么、如何更正（第31条）",
    ),
    ("name the data item the resources disagree on", "请注明各资源不一致的信息项"),
    (
        "a multi-source conflict names at least two different resources (Art. 31)",
        "多源异义至少涉及两项不同的数据资源（第31条）",
    ),
    (
        "resource {} is not one of this conflict's resources",
        "数据资源 {0} 不是该多源异义涉及的资源",
    ),
    ("this conflict was resolved with {}", "该多源异义已确定唯一来源 {0}"),
    # -- usage reports (Art. 3, 33)
    (
        "{} is not one of the department's own units (Art. 3, 33)",
        "{0} 不是本厅的处室或直属单位（第3、33条）",
    ),
    ("summarise how data was developed and applied", "请概述数据开发应用情况"),
    (
        "reports are {} ({}): period_start is the first day of a period, e.g. {} (Art. 33)",
        "报告周期为 {0}（{1}）：period_start 应为周期的第一天，例如 {2}（第33条）",
    ),
    (
        "reports are {} ({}): the period starting {} ends {} (Art. 33)",
        "报告周期为 {0}（{1}）：自 {2} 开始的周期于 {3} 结束（第33条）",
    ),
    (
        "the period ends {}: a report covers a period that is over (Art. 33)",
        "该周期于 {0} 结束：报告只能针对已结束的周期（第33条）",
    ),
    # -- findings (Art. 39)
    ("a finding cites evidence from the ledger (Art. 39)", "违规发现须引用账本中的证据（第39条）"),
    ("describe the violation", "请描述违规情况"),
    ("rectification was already ordered (due {})", "已通知整改（整改期限 {0}）"),
    (
        "the rectification date {} must be after the order's date",
        "整改期限 {0} 须晚于通知整改的日期",
    ),
    ("no rectification has been ordered for this finding", "该违规发现尚未通知整改"),
    ("no rectification was ordered, so none is overdue", "未通知整改，因此不存在逾期"),
    ("criticism was already circulated for this finding", "该违规发现已通报批评"),
    ("the rectification date {} has not passed yet", "整改期限 {0} 尚未届满"),
    (
        "finding {} has not been criticised; it has no notice",
        "违规发现 {0} 尚未通报批评，没有通报",
    ),
    ("no finding with id {}", "不存在 id 为 {0} 的违规发现"),
    ("no supervision cell for department {}", "部门 {0} 没有这一违规统计格"),
    (
        "no trusted verifier key here: send verifier_key",
        "此处没有可信的验证密钥：请发送 verifier_key",
    ),
    ("the finding is already withdrawn", "该违规发现已撤销"),
    ("withdrawing a finding needs a reason", "撤销违规发现须说明理由"),
    ("the finding is {}; nothing more can be done with it", "该违规发现状态为 {0}，不能再作处理"),
    # -- persons and the register of legal instruments (Art. 24(1), 36)
    ("a person has a name", "人员须有姓名"),
    (
        "department {} registers its own people, not {}'s",
        "部门 {0} 只能登记本部门的人员，不能登记部门 {1} 的人员",
    ),
    (
        "{} ({}) works for {}, not for {}, the department that used the data",
        "{0}（{1}）是部门 {2} 的人员，不是使用该数据的部门 {3} 的人员",
    ),
    ("an instrument has a title", "法律法规文件须有标题"),
    (
        "no instrument {} in the office's register of legal instruments",
        "厅办公室的法律法规登记册中没有文件 {0}",
    ),
    ("{} is already in the register", "{0} 已在登记册中"),
    (
        "cite the law, regulation or central policy by its instrument_id in the office's "
        "register of legal instruments; a title typed by the department is not a basis "
        "(Art. 24(1))",
        "请以厅办公室法律法规登记册中的 instrument_id 引用法律、行政法规或党中央、国务院政策；"
        "部门自行填写的标题不能作为依据（第24条第一项）",
    ),
    (
        "name the article of the instrument that keeps the data unshared (Art. 24(1))",
        "请注明规定该数据不予共享的具体条款（第24条第一项）",
    ),
    (
        "the office confirmed {} as basic data ({}): it stays shared unconditionally (Art. 24(2))",
        "厅办公室已确认 {0} 为基础数据（{1}）：应继续无条件共享（第24条第二项）",
    ),
    (
        "{} {} is basic data ({}): once declassified it is shared unconditionally (Art. 24(2)); "
        "return the submission so the department shares it unconditionally",
        "{0} {1}属于基础数据（{2}）：非涉密的应无条件共享（第24条第二项）；"
        "请退回该报送，由部门改为无条件共享",
    ),
    ("resource {} is not in this submission", "数据资源 {0} 不在该目录报送中"),
    (
        "the check found differences: state the catalog update recommendations made to the "
        "leading group (Art. 13: 提出数据资源目录更新建议)",
        "检测发现不一致之处：请说明向厅网信领导小组提出的数据资源目录更新建议"
        "（第13条：提出数据资源目录更新建议）",
    ),
    # -- policies published into the ledger
    (
        "no policy is named {}; the policies are {}",
        "没有名为 {0} 的政策取值；现有的政策取值为：{1}",
    ),
    ("{} is a number of working days, not {}", "{0} 应为工作日数，而非 {1}"),
    ("{} is 0 to {} working days, not {}", "{0} 应为 0 至 {1} 个工作日，而非 {2}"),
    ("{} is one of {}, not {}", "{0} 应为以下之一：{1}，而非 {2}"),
    # -- two-party arrangements (Art. 28)
    (
        "an arrangement is agreed with another department: name it as counterparty",
        "时效性安排须与另一部门商定：请将该部门列为对方部门（counterparty）",
    ),
    (
        "{} provides this resource: a user's proposal names {} as counterparty, not {}",
        "{0} 是该数据资源的提供部门：使用部门提出的安排应以 {1} 为对方部门，而非 {2}",
    ),
    ("an arrangement states its {}", "时效性安排须注明 {0}"),
    (
        "the arrangement is {} ({}), not proposed",
        "该时效性安排状态为 {0}（{1}），不是待对方确认的提议",
    ),
    (
        "{} proposed this arrangement; only {}, the other party, accepts or refuses it",
        "该时效性安排由 {0} 提出，只有对方部门 {1} 可以接受或拒绝",
    ),
    ("refusing an arrangement states why", "拒绝时效性安排须说明理由"),
    # -- data uses: the people, the third party (Art. 32, 36)
    ("{} names {}, but {} says {}", "{0} 对应的人员为 {1}，但 {2} 填写的是 {3}"),
    ("name the {} by {} (Art. 36)", "请以 {1} 指明 {0}（第36条）"),
    ("the resource is {}'s own, not shared data", "该数据资源是 {0} 自己的数据，不是共享数据"),
    (
        "only {}, the provider of the data, consents to its provision",
        "只有该数据的提供部门 {0} 可以同意向第三方提供",
    ),
    (
        "this use names no third party; there is nothing to consent to",
        "该数据使用未列明第三方，无须同意",
    ),
    ("the use provided the data to {}, not {}", "该数据使用是向 {0} 提供数据，而非 {1}"),
    ("a consent states its reason", "同意须说明理由"),
    ("the provider has already consented to this provision", "提供部门已同意此次提供"),
    # -- sharing with departments outside the 厅 (Art. 30)
    (
        "{} is one of the 厅's departments; its data is in our own catalog",
        "{0} 是本厅的部门，其数据在本厅目录中",
    ),
    (
        "Art. 30 covers another department's unconditional and conditional data only",
        "第30条只适用于其他部门无条件共享和有条件共享的数据",
    ),
    ("an external resource has a name", "厅外部门的数据资源须有名称"),
    ("a request states its {}", "申请须注明 {0}"),
    (
        "the request is {}; the office forwards it once",
        "该申请状态为 {0}：厅办公室只转报一次",
    ),
    (
        "the office, or {} itself, records {}'s reply",
        "只有厅办公室或 {0} 本身可以记录 {1} 的答复",
    ),
    ("the request is {}, not awaiting {}'s reply", "该申请状态为 {0}，不在等待 {1} 答复"),
    ("a refusal states its reason (Art. 26, 30)", "拒绝须说明理由（第26、30条）"),
    ("expires_at {} is not after the reply itself", "有效期 expires_at {0} 不晚于答复时间"),
    # -- the review of rectifications (Art. 39)
    (
        "a rectification report cites evidence: ids of events or objects on the record, or "
        "references of documents (Art. 39)",
        "整改报告须引用证据：账本中事件或对象的 id，或文件的文号（第39条）",
    ),
    ("an evidence item is blank", "有一项证据为空"),
    (
        "a rectification report already awaits the leading group's review",
        "已有一份整改报告待厅网信领导小组审核",
    ),
    (
        "the finding is {}; only a reported rectification is reviewed",
        "该违规发现状态为 {0}：只审核已报告的整改",
    ),
    (
        "a rejected rectification states why, so the department can rectify again",
        "退回整改须说明理由，以便部门再行整改",
    ),
    ("the finding is withdrawn; nothing more can be done", "该违规发现已撤销，不能再作处理"),
    (
        "the rectification was accepted on {}, within the time limit ({})",
        "整改已于 {0} 通过审核，未超过整改期限（{1}）",
    ),
)


# The Chinese of each refusal's title: one kind of refusal, one class of domain.errors.
TITLES: dict[str, str] = dict(
    (
        ("occurred_at is in the future", "发生时间晚于现在"),
        ("CSRF check failed", "表单校验失败（CSRF），请刷新页面后重试"),
        ("occurred_at is before the object existed", "发生时间早于对象建立"),
        ("Another department's object", "其他部门的对象"),
        ("Unknown department", "部门不存在"),
        ("Department already registered", "部门已登记"),
        ("Department dissolved", "部门已撤销"),
        (
            "Not-shared data needs a legal basis (Art. 24(1))",
            "不予共享须有法律依据（第24条第一项）",
        ),
        (
            "A departmental internal rule cannot justify not sharing (Art. 24(1))",
            "部门内部规定不能作为不予共享的依据（第24条第一项）",
        ),
        (
            "Conditional sharing needs scope, content and uses (Art. 24(3))",
            "有条件共享须注明范围、内容和用途（第24条第三项）",
        ),
        (
            "Basic data must be shared unconditionally (Art. 24(2))",
            "基础数据应无条件共享（第24条第二项）",
        ),
        ("Invalid resource code", "资源代码无效"),
        ("Resource retired", "数据资源已注销"),
        ("Catalog submission already decided", "目录报送已处理"),
        ("A submitted resource changed after submission", "报送的数据资源在报送后被修改"),
        ("Catalog update application already filed", "目录更新申请已备案"),
        ("Unknown trigger (Art. 12)", "更新依据不存在（第12条）"),
        ("Idempotency-Key reused with a different body", "Idempotency-Key 已用于不同的请求"),
        (
            "A command with this Idempotency-Key is still running",
            "使用该 Idempotency-Key 的命令仍在执行",
        ),
        ("Unknown data resource", "数据资源不存在"),
        ("Resource not in the unified catalog (Art. 11)", "数据资源不在统一目录中（第11条）"),
        ("A department's own data is not shared with it", "本部门的数据无需共享给本部门"),
        ("Wrong sharing channel (Art. 18, 29-30)", "共享渠道不正确（第18、29、30条）"),
        (
            "Role does not match the department's kind (Art. 29-30)",
            "角色与部门类型不符（第29、30条）",
        ),
        ("Share request not awaiting a reply", "共享申请不在待答复状态"),
        ("A refusal must state its reason (Art. 26)", "拒绝共享须说明理由（第26条）"),
        ("A grant cannot expire before it is given", "授权的到期时间不能早于授权时间"),
        ("Not a party to this share request", "不是该共享申请的当事方"),
        (
            "Only refused or not-shared requests are negotiated or escalated (Art. 27, 29)",
            "只有被拒绝或不予共享的申请才能协商或提请协调（第27、29条）",
        ),
        (
            "Escalation comes after negotiation fails (Art. 27, 29)",
            "协商未果后方可提请协调（第27、29条）",
        ),
        ("Not the party that escalates (Art. 27, 29)", "不是提请协调的一方（第27、29条）"),
        (
            "The request has not been escalated to the leading group",
            "该申请尚未提请厅网信领导小组协调",
        ),
        (
            "The leading group's coordination decision is binding (Art. 27)",
            "厅网信领导小组的协调决定具有约束力（第27条）",
        ),
        ("Unknown share request", "共享申请不存在"),
        ("Unknown time-sensitive arrangement", "时效性安排不存在"),
        ("Not a party to this arrangement (Art. 28)", "不是该时效性安排的当事方（第28条）"),
        ("A validity window ends after it starts (Art. 28)", "有效期的结束须晚于开始（第28条）"),
        (
            "Not-shared data is shared only by coordination (Art. 24(1), 27)",
            "不予共享的数据只能经协调共享（第24条第一项、第27条）",
        ),
        (
            "A use relies on one share request or one arrangement",
            "数据使用只依据一项共享申请或一项时效性安排",
        ),
        ("Data cannot be obtained after its use is recorded", "数据获取时间不能晚于使用记录时间"),
        ("Unknown information system", "政务信息系统不存在"),
        (
            "Project approval and trial operation are for new systems (Art. 20)",
            "立项和试运行仅适用于新建系统（第20条）",
        ),
        (
            "The system's data resources are not cataloged (Art. 20)",
            "系统的数据资源尚未编目（第20条）",
        ),
        (
            "The system's data resources are not in the unified catalog (Art. 20)",
            "系统的数据资源不在统一目录中（第20条）",
        ),
        ("Trial operation before project approval (Art. 20)", "尚未立项不能试运行（第20条）"),
        ("This step of the system's life is already recorded", "系统的这一步骤已记录"),
        ("Information system retired", "政务信息系统已停用"),
        (
            "A classified system is not connected to the sharing system (Art. 2)",
            "涉密系统不接入厅共享系统（第2条）",
        ),
        ("Only non-classified data is aggregated (Art. 19)", "只汇聚非涉密数据（第19条）"),
        (
            "The system is not connected to the sharing system (Art. 19)",
            "系统尚未接入厅共享系统（第19条）",
        ),
        ("The system is not where the resource's data comes from", "该系统不是数据资源的来源系统"),
        ("Invalid period covered by the aggregation", "汇聚所涵盖的期间无效"),
        ("Invalid checksum", "校验值无效"),
        ("Aggregation receipt already rejected", "汇聚记录已被退回"),
        (
            "Verification is asked of another department (Art. 31)",
            "校核申请应向其他部门提出（第31条）",
        ),
        ("Verification request already answered", "校核申请已答复"),
        ("A correction states what changed (Art. 31)", "更正须说明改动内容（第31条）"),
        (
            "A multi-source conflict names at least two resources (Art. 31)",
            "多源异义至少涉及两项数据资源（第31条）",
        ),
        ("The resource holds no such data item", "数据资源不含该信息项"),
        (
            "The unique source is one of the conflicting resources (Art. 31)",
            "唯一来源须为所涉数据资源之一（第31条）",
        ),
        ("Source conflict already resolved", "多源异义已确定唯一来源"),
        (
            "A usage report covers one reporting period (Art. 33)",
            "开发应用情况报告针对一个报告周期（第33条）",
        ),
        ("Finding rectified or withdrawn", "违规发现已整改或已撤销"),
        (
            "Criticism only after the rectification date has passed (Art. 39)",
            "整改期限届满后方可通报批评（第39条）",
        ),
        ("Unknown person", "人员不存在"),
        ("The person works for another department (Art. 36)", "该人员属于其他部门（第36条）"),
        (
            "Not an instrument of the office's register (Art. 24(1))",
            "不是厅办公室登记的法律法规（第24条第一项）",
        ),
        (
            "Differences found call for update recommendations to the leading group (Art. 13)",
            "发现不一致的，须向厅网信领导小组提出目录更新建议（第13条）",
        ),
        (
            "Only a proposed arrangement is accepted or refused (Art. 28)",
            "只有待对方确认的时效性安排才能接受或拒绝（第28条）",
        ),
        (
            "The other party accepts or refuses an arrangement (Art. 28)",
            "时效性安排由对方部门接受或拒绝（第28条）",
        ),
        (
            "The provider is not a department outside the 厅 (Art. 30)",
            "提供部门不是厅外部门（第30条）",
        ),
        (
            "The request is not awaiting the office (Art. 30)",
            "该申请不在等待厅办公室转报（第30条）",
        ),
        (
            "The request is not awaiting the external provider's reply (Art. 30)",
            "该申请不在等待厅外提供部门答复（第30条）",
        ),
        (
            "A rectification report cites its evidence (Art. 39)",
            "整改报告须引用证据（第39条）",
        ),
        ("No reported rectification awaits review (Art. 39)", "没有待审核的整改报告（第39条）"),
        (
            "A rejected rectification states its reason (Art. 39)",
            "退回整改须说明理由（第39条）",
        ),
        (
            "Rectification was accepted within the time limit (Art. 39)",
            "已在整改期限内整改并通过审核（第39条）",
        ),
        ("Unauthenticated", "未认证"),
        ("Not yet caught up", "读取模型尚未更新到该位置"),
        ("No signing key", "没有签名密钥"),
        ("Command refused", "命令被拒绝"),
        ("Unprocessable command", "请求内容不符合规定"),
        ("Not found", "对象不存在"),
        ("Forbidden", "无权操作"),
        ("Conflict", "状态冲突"),
        ("Precondition failed", "版本已变更"),
    )
)


@cache
def _patterns() -> tuple[tuple[re.Pattern[str], str], ...]:
    # Longest literal text first, so that "no {} with id {} at {}" wins over "no {} with id {}".
    ordered = sorted(CATALOG, key=lambda entry: -len(entry[0].replace("{}", "")))
    return tuple(
        (re.compile(re.escape(english).replace(r"\{\}", "(.+?)") + r"\Z", re.DOTALL), chinese)
        for english, chinese in ordered
    )


_CJK = re.compile(r"[\u4e00-\u9fff]")
# A message written in both languages at once: "中文 (English)" or "中文 / English".
_BILINGUAL = (
    re.compile(r"(?P<zh>.+) \((?P<en>[^()]+)\)\Z", re.DOTALL),
    re.compile(r"(?P<zh>.+?) / (?P<en>[^\u4e00-\u9fff]+)\Z", re.DOTALL),
)


_WORD = re.compile(r"[A-Za-z]{2,}")


def split_bilingual(message: str) -> tuple[str, str] | None:
    """``(中文, English)`` of a message that carries both, or None. An English message that
    quotes a Chinese name and ends "(Art. 20)" is not one: its English is a sentence."""
    if catalogued(message) is not None:
        return None
    for pattern in _BILINGUAL:
        match = pattern.match(message)
        if (
            match
            and _CJK.search(match["zh"])
            and not _CJK.search(match["en"])
            and len(_WORD.findall(match["en"])) >= 2
            and not match["en"].startswith("Art.")
        ):
            return match["zh"], match["en"]
    return None


def catalogued(english: str) -> str | None:
    """The Chinese the catalog holds for a refusal message, or None."""
    for pattern, chinese in _patterns():
        match = pattern.match(english)
        if match:
            return chinese.format(*match.groups())
    return None


def translate(english: str) -> str | None:
    """The Chinese of a refusal message, or None when there is none to give."""
    found = catalogued(english)
    if found is not None:
        return found
    pair = split_bilingual(english)
    return pair[0] if pair else None
