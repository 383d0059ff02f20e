// Owns every piece of text the dashboard shows: one entry per key, [Chinese, English]. Keys are the
// labels' own names and also every key that an API answer can put on screen (stages, compare measures,
// flow counts, reply-time buckets, account groups, portrait tag kinds), so that no raw key is ever shown.
// A key defined twice is a build error (web/build.mjs fails on esbuild's duplicate-key warning).

export const STRINGS = {
  // Header, login, footer, states.
  title: ['人群资产', 'Crowd asset'],
  brand: ['品牌', 'Brand'],
  spu: ['单品', 'SPU'],
  date: ['日期', 'Date'],
  all_spus: ['全部（品牌）', 'All (brand)'],
  need_key: ['请输入访问密钥 API key', 'Enter an API key'],
  key_help: ['向管理员索取只读密钥（aips key create --tenant ...），或打开带 #key=... 的链接。',
    'Ask an admin for a read key (aips key create --tenant ...), or open a link with #key=...'],
  open: ['打开', 'Open'],
  footer: ['阶段：A 认知 → I 兴趣 → TI 深度兴趣 → P 购买 → S 分享',
    'Stages: A Awareness → I Interest → TI True Interest → P Purchase → S Share'],
  loading: ['加载中…', 'Loading…'],
  empty: ['暂无数据', 'No data'],
  no_key: ['密钥无效或缺失', 'Missing or unknown key'],
  unknown: ['未找到', 'Not found'],
  error: ['出错了', 'Error'],
  pick_date: ['选择日期', 'Pick a date'],
  bad_date: ['日期格式为 yyyy-mm-dd', 'Dates are written yyyy-mm-dd'],
  no_data: ['暂无该品牌/时段的数据', 'No data for this brand/period'],
  brand_not_yours: ['品牌“{asked}”不属于此密钥（可用：{brands}），现显示 {shown}。',
    'Brand "{asked}" is not one of this key\'s brands ({brands}); showing {shown} instead.'],
  data_begins: ['数据始于 {day}', 'data begins {day}'],
  data_begins_note: ['该品牌的数据始于 {day}：此前的日子没有数据（不画线）；之后 {days} 天内各阶段的窗口仍在填充，'
      + '这段上升来自数据的起点，不是增长。',
    'This brand\'s data begins {day}: the days before have no data (not drawn), and for {days} days after it '
      + 'the stages\' windows are still filling, so the rise there is where the data begins, not growth.'],
  windows_filling: ['窗口填充中', 'windows filling'],
  before_data: ['数据始于 {day}，无从比较', 'data begins {day}: nothing to compare'],

  // Pages (tab labels).
  overview: ['人群资产', 'Crowd asset'],
  flow: ['人群流转', 'Crowd flow'],
  spus: ['单品对比', 'SPUs'],
  penetration: ['渗透率', 'Penetration'],
  campaigns: ['投放效果', 'Campaigns'],
  crowds: ['人群包', 'Crowd packs'],
  firstparty: ['一方数据', 'First-party'],
  aurora: ['极光指标', 'Aurora'],
  topics: ['灵犀话题', 'Topics'],
  consult: ['私信咨询', 'Consultations'],

  // Stages, and the measures of /compare (A … S, total, new, lost, deepened, fell_back are shared).
  A: ['A 认知', 'A Awareness'],
  I: ['I 兴趣', 'I Interest'],
  TI: ['TI 深度兴趣', 'TI True Interest'],
  P: ['P 购买', 'P Purchase'],
  S: ['S 分享', 'S Share'],
  none: ['未触达', 'Not in asset'],
  total: ['资产总量', 'Asset total'],
  'A+_penetration': ['A+ 渗透率', 'A+ penetration'],
  'TI+_penetration': ['TI+ 渗透率', 'TI+ penetration'],

  // Units and axis titles.
  users: ['人数', 'Users'],
  yuan: ['金额 (¥)', 'Amount (¥)'],
  cost_per_user: ['单人成本 (¥)', 'Cost per user (¥)'],
  roi_axis: ['ROI (倍)', 'ROI (×)'],
  rate_axis: ['渗透率 (%)', 'Penetration (%)'],
  week: ['周', 'Week'],
  stage_axis: ['阶段', 'Stage'],
  people: ['人', 'users'],

  // 人群资产 overview.
  vs: ['较', 'vs'],
  trend: ['每日趋势', 'Daily trend'],
  s_counts_all: ['S 计入全部分享用户（窗口 {days} 天）；渗透率页只计其中在品类人群（近 {crowd} 天）里的人，所以那里可能更少。',
    'S counts every sharer (a {days}-day window); the Penetration page counts only those in the category '
      + 'crowd (last {crowd} days), so it can be lower there.'],

  // 人群流转 flow.
  from: ['起始日', 'From'],
  to: ['结束日', 'To'],
  matrix: ['流转矩阵', 'Flow matrix'],
  rates: ['流转率', 'Flow rates'],
  new: ['新增', 'New'],
  lost: ['流失', 'Lost'],
  deepened: ['加深', 'Deepened'],
  fell_back: ['回落', 'Fell back'],

  // 渗透率 penetration and the category benchmark.
  category_crowd: ['品类人群', 'Category crowd'],
  penetration_rate: ['渗透率', 'Penetration'],
  benchmark: ['品类对标', 'Category benchmark'],
  rank: ['排名', 'Rank'],
  percentile: ['百分位', 'Percentile'],
  top_avg: ['品类Top3均值', 'Category top-3 avg'],
  // The benchmark's headings, tooltips and note, for ranks in each measure's direction (an answer whose
  // measures say `better`) and for ranks by value (an answer without it).
  rank_best: ['排名（1 = 最好）', 'Rank (1 = best)'],
  rank_best_tip: ['1 = 同品类中最好的（流失、回落：最少的）；并列同名次',
    '1 = the best in the category (for Lost and Fell back: the fewest); ties share a rank'],
  percentile_best: ['百分位（100 = 最好）', 'Percentile (100 = best)'],
  percentile_best_tip: ['按各指标的优劣方向：最好的 100，最差的 0', 'In each measure\'s direction: the best 100, '
    + 'the worst 0'],
  top_avg_best_tip: ['同品类最好的 3 个值的均值（流失、回落：最少的 3 个）',
    'The mean of the category\'s 3 best values (for Lost and Fell back: the 3 lowest)'],
  rank_best_note: ['排名、百分位与 Top3 均值按各指标的优劣方向计算：流失、回落越低越好，第 1 名是最少的品牌。',
    'Ranks, percentiles and the top-3 average follow each measure\'s direction: for Lost and Fell back lower '
      + 'is better, so rank 1 is the brand with the fewest.'],
  rank_value: ['排名（按数值）', 'Rank (by value)'],
  rank_value_tip: ['1 = 同品类中数值最高（并列同名次）；对“越低越好”的指标，第 1 名是最差的',
    '1 = the highest value in the category (ties share a rank); for a lower-is-better measure rank 1 is '
      + 'the worst'],
  percentile_value: ['百分位（按数值）', 'Percentile (by value)'],
  percentile_value_tip: ['数值越高百分位越高（最高 100，最低 0），不分好坏',
    'Higher values have higher percentiles (highest 100, lowest 0), good or bad'],
  top_avg_value_tip: ['同品类数值最高的 3 个品牌的均值', 'The mean of the category\'s 3 highest values'],
  rank_value_note: ['排名与百分位按数值由高到低排列，不代表好坏：流失、回落越低越好。',
    'Ranks and percentiles order values from high to low, not from good to bad: for Lost and Fell back, '
      + 'lower is better.'],
  measure: ['指标', 'Measure'],
  better: ['优劣方向', 'Better'],
  higher_better: ['越高越好', 'higher is better'],
  lower_better: ['越低越好', 'lower is better'],
  pen_vs_stages: ['此处各阶段只计入 {date} 品类人群中的成员（近 {crowd} 天在品类内有行为的用户）；'
      + '人群资产页计入全部成员（S 的窗口为 {s} 天），所以此处的 S 等可能更少。',
    'Stages here count only members inside the category crowd on {date} (users with a category event in '
      + 'the last {crowd} days); the Crowd asset page counts every member (S looks back {s} days), so S and '
      + 'the others can be lower here.'],

  // 投放效果 campaigns.
  campaign: ['投放', 'Campaign'],
  flight: ['投放期', 'Flight'],
  reach: ['触达', 'Reach'],
  spend: ['花费', 'Spend'],
  new_I: ['新增种草', 'New I'],
  cpi: ['CPI 种草成本', 'CPI'],
  new_TI: ['新增深度种草', 'New TI'],
  cpti: ['CPTI 深度种草成本', 'CPTI'],
  gmv: ['GMV', 'GMV'],
  roi: ['ROI(T+x)', 'ROI(T+x)'],
  new_P: ['新增购买', 'New P'],
  buyers: ['买家', 'Buyers'],
  new_P_tip: ['投放期内：触达人群中投放前一天未到 P、投放结束日达到 P 或 S 的人',
    'Over the flight: reached users below P the day before it and at P or S on its last day'],
  gmv_tip: ['T+x：触达人群自各自首次被触达之日起至投放结束后 x 天的品牌购买（含一方订单）',
    'T+x: purchases of the brand by reached users from each one\'s first reach day through x days after '
      + 'the flight (first-party orders included)'],
  buyers_tip: ['T+x 窗口内购买本品牌的触达用户（与 GMV 同一窗口）',
    'Reached users who bought the brand within T+x (the GMV\'s window)'],
  roi_tip: ['GMV(T+x) / 花费', 'GMV (T+x) / spend'],
  windows_note: ['新增购买按投放期内的阶段变化计；GMV 与买家按 T+x 计（自首次触达起至投放结束后 x 天），两者不必一致。',
    'New P counts stage changes over the flight; GMV and buyers count purchases over T+x (from first reach '
      + 'to x days after the flight), so they need not agree.'],
  seeded: ['已触达', 'Seeded'],
  unseeded: ['未触达', 'Unseeded'],
  conversion: ['转化率', 'Conversion rate'],
  gmv_yuan: ['GMV (¥)', 'GMV (¥)'],
  buy_window: ['购买窗口', 'Purchase window'],
  seeded_title: ['已触达与未触达（品牌资产中未被触达的人）', 'Seeded (reached) and unseeded (the brand\'s '
    + 'asset not reached)'],
  seeded_note: ['此表的买家按投放开始日至结束后 x 天计，包括被触达之前就购买的人；上表的买家从各自首次被触达之日算起，'
      + '所以此处可能更多。',
    'Buyers here count purchases from the flight\'s start to x days after its end, including purchases '
      + 'made before a user was reached; the table above counts from each user\'s first reach, so this can '
      + 'be more.'],
  provisional: ['未结算', 'provisional'],
  attribution: ['归因按触达计算、不排他：一笔订单计入每个触达过其买家的投放。',
    'Attribution is reach-based and not exclusive: '
      + 'an order counts for every campaign that reached its buyer.'],
  spend_gmv: ['花费与GMV', 'Spend and GMV'],
  lift_title: ['增量效果（随机对照 holdout / 匹配估计）', 'Incremental lift (randomised holdout / matched)'],
  lift_note: ['随机对照：按分组意向计算（intent-to-treat），实验组与对照组（从未投放）的转化率之差。'
      + '匹配（观察性）：没有对照组的投放，把被触达者与投放期以其他方式看到品牌、投放前阶段、人群标签和近 30 天品类活跃都相同的'
      + '未触达用户比较，估计对被触达者的效果；看不见的差异无法校正，只作参考。区间为 95% 置信区间；'
      + '转化 = 投放前一天低于该阶段、投放开始至结束后 x 天内某天达到或高于该阶段。未结算：窗口尚未走完。',
    'Holdout: intent-to-treat, the difference of conversion rates between the treatment group and the control '
      + 'group (never shown the campaign). Matched (observational): for a campaign without a holdout, reached '
      + 'users against unreached users who met the brand otherwise in the flight and were alike before it '
      + '(stage, segment tag, category activity in the last 30 days); it estimates the effect on the reached '
      + 'and cannot adjust for differences it does not see. Intervals are 95%; converting = below the stage '
      + 'the day before the flight, at it or above on some day to x days after. Maturing: the window has not '
      + 'closed yet.'],
  observational: ['观察性估计', 'observational'],
  forecast: ['预判', 'forecast'],
  forecast_title: ['预判：未来 {x} 天的购买', 'Forecast: purchases in the next {x} days'],
  forecast_expected: ['预计购买人数（累计）', 'expected buyers (cumulative)'],
  forecast_band: ['80% 区间', '80% band'],
  forecast_none: ['无法预判', 'No forecast'],
  forecast_summary: ['{date} 处于 {stage} 的 {members} 人中，预计 {x} 天内有 {expected} 人购买（80% 区间 {low}–{high}，95% 区间 {low95}–{high95}）。',
    'Of the {members} users at {stage} on {date}, {expected} are expected to buy within {x} days (80% interval {low}–{high}, 95% {low95}–{high95}).'],
  forecast_note: ['只用当天及以前的数据；从过去每周同阶段人群的购买延迟学习（窗口未走完的用户不算流失），区间含参数不确定性与随机性。',
    'Only data up to that day is used; learnt from the purchase delays of past weekly crowds at the same stage (users whose window is still open are not counted as lost); the interval holds parameter uncertainty and chance.'],
  forecast_roi_tip: ['窗口未走完：预判最终 ROI(T+x) 及其 80% 区间', 'Window still open: the forecast final ROI(T+x) with its 80% interval'],
  unmatched_reached: ['未匹配', 'unmatched'],
  no_holdout: ['无对照组（未上传实验分组，也未用 --holdout 拆分人群包）',
    'No holdout (no experiment assignments uploaded, no crowd split with --holdout)'],
  design: ['设计', 'Design'],
  design_holdout: ['随机对照', 'holdout'],
  design_matched: ['匹配（观察性）', 'matched (observational)'],
  groups: ['实验组 / 对照组', 'Treatment / control'],
  groups_tip: ['随机对照：分组人数（含无行为的用户），对照组中被触达者为污染，估计仍按分组计；'
      + '匹配：匹配上的被触达者 / 比较池用户',
    'Holdout: assigned users (users without events included); a reached control member is contamination, the '
      + 'estimate stays by assigned group. Matched: matched reached users / comparison pool users'],
  contaminated: ['对照组被触达', 'control reached'],
  lift_TI: ['深度种草增量 TI', 'Lift TI'],
  lift_P: ['购买增量 P', 'Lift P'],
  interval_95: ['95% 区间', '95% interval'],
  icpti: ['增量 CPTI (¥)', 'Incremental CPTI (¥)'],
  iroi: ['增量 ROI', 'Incremental ROI'],
  maturing: ['未结算', 'maturing'],
  unit_costs: ['种草成本与ROI', 'Unit costs and ROI'],

  // 人群包 crowds and the portrait.
  preset: ['预设', 'Preset'],
  custom: ['自定义表达式', 'Custom expression'],
  redelivery: ['复投（深度兴趣未购买）', 'Re-delivery (TI, not bought)'],
  preset_lost: ['流失召回', 'Win-back (lost since)'],
  conquest: ['竞品收割', 'Competitor conquest'],
  competitor: ['竞品', 'Competitor'],
  pick_competitor: ['请选择竞品', 'Choose a competitor'],
  no_same_category: ['此密钥下没有与本品牌同品类（{category}）的其他品牌：请选择竞品。',
    'No other brand of this brand\'s category ({category}) under this key: choose a competitor.'],
  count: ['人数', 'Users'],
  save: ['保存', 'Save'],
  export: ['导出（加盐哈希）', 'Export (salted hashes)'],
  name: ['名称', 'Name'],
  saved: ['已保存人群包', 'Saved crowds'],
  version: ['版本', 'Version'],
  size: ['人数', 'Size'],
  definition: ['定义', 'Definition'],
  portrait: ['人群画像 (TGI)', 'Portrait (TGI)'],
  tag: ['标签', 'Tag'],
  share: ['占比', 'Share'],
  base_share: ['品类人群占比', 'Category crowd share'],
  tag_segment: ['人群', 'Segment'],
  tag_gender: ['性别', 'Gender'],
  tag_age: ['年龄', 'Age'],
  tag_city: ['城市', 'City'],
  female: ['女', 'Female'],
  male: ['男', 'Male'],
  tier1: ['一线城市', 'Tier-1 city'],
  tier2: ['二线城市', 'Tier-2 city'],
  tier3: ['三线城市', 'Tier-3 city'],
  tier4: ['四线及以下城市', 'Tier-4 city and below'],

  // 一方数据 first-party.
  matched: ['已匹配订单', 'Matched orders'],
  unmatched: ['待匹配订单', 'Unmatched orders'],
  match_rate: ['匹配率', 'Match rate'],
  match_weeks: ['每周订单匹配率（按下单周）', 'Match rate by week of the order'],
  matched_gmv: ['匹配GMV (¥)', 'Matched GMV (¥)'],
  identity: ['身份映射', 'Identity map'],
  brand_events: ['品牌事件数', 'Brand events'],
  events_include: ['含 {n} 笔已匹配的一方订单', 'includes {n} matched first-party orders'],
  events_tip: ['aips info 的事件数：平台事件，加上匹配到平台用户、记为购买的一方订单',
    'The event count of aips info: platform events plus the first-party orders matched to platform users '
      + '(as purchases)'],
  spectrum: ['一方光谱', 'First-party spectrum'],
  spectrum_date: ['光谱日期为 {date}：最后数据日 {last} 之前 {x} 天，即 T+{x} 转化窗口已结束的最后一天；'
      + '其他页面默认显示最后数据日。',
    'The spectrum is dated {date}, {x} days before the last day with data ({last}): the last day whose '
      + 'T+{x} conversion window has closed. The other pages show the last day.'],
  spectrum_chosen: ['光谱日期为所选日期 {date}；转化按其后 {x} 天计。',
    'The spectrum is dated the chosen day {date}; conversions count over the {x} days after it.'],
  spectrum_cells: ['阶段各格：人数（其中 {x} 天内购买本品牌的人数）。高价值：2 单及以上且一方 GMV ≥ ¥{gmv}。',
    'Stage cells: users (of whom bought the brand within {x} days). High value: 2+ orders and first-party '
      + 'GMV ≥ ¥{gmv}.'],
  tier: ['客户层级', 'Tier'],
  converted: ['已转化', 'Converted'],
  bid_multiplier: ['建议出价系数', 'Bid multiplier'],
  lapsed: ['流失客户', 'Lapsed'],
  high_value: ['高价值', 'High value'],
  repeat: ['复购', 'Repeat'],
  one_time: ['一次购买', 'One-time'],
  prospect: ['潜在客户', 'Prospect'],

  // 极光指标 Aurora.
  composite: ['综合', 'Composite'],
  awareness: ['品牌认知', 'Awareness'],
  content: ['内容沉淀', 'Content'],
  word_of_mouth: ['口碑', 'Word of mouth'],

  // 灵犀话题 topics.
  topic: ['话题', 'Topic'],
  notes: ['笔记数', 'Notes'],
  note: ['笔记', 'Note'],
  engagements: ['互动量', 'Engagements'],
  growth: ['环比', 'Growth'],
  rising: ['上升', 'Rising'],
  weekly: ['每周互动', 'Weekly engagements'],
  reach_ti: ['触达深度种草人群', 'Reach into TI'],
  top_notes: ['带来深度种草最多的笔记', 'Notes that moved the most users into TI'],
  users_into_ti: ['新增深度种草人数', 'Users into TI'],
  previous: ['上期', 'Previous'],
  partial: ['不完整', 'partial'],
  partial_weeks: ['不完整的周（只含时段内的天数）：{weeks}', 'Partial weeks (only their days inside the period): {weeks}'],

  // 私信咨询 consultations: columns, account groups, first-reply buckets.
  account: ['账号', 'Account'],
  group: ['类型', 'Group'],
  conversations: ['会话数', 'Conversations'],
  reply_30s: ['30s 回复率', '30-s reply rate'],
  median_reply: ['首响中位数(秒)', 'Median first reply (s)'],
  night: ['夜间覆盖', 'Night coverage'],
  leads: ['留资数', 'Leads'],
  lead_rate: ['留资率', 'Lead rate'],
  cost_per_lead: ['留资成本 (¥)', 'Cost per lead (¥)'],
  score: ['咨询分', 'Score'],
  reply_dist: ['首次回复时长分布', 'First-reply time'],
  no_accounts: ['暂无可见的咨询账号', 'No consultation accounts visible to this key'],
  accounts_all_brands: ['列出的是此密钥全部品牌的账号：接口未标明每个账号对应的品牌。',
    'Accounts of all of this key\'s brands: the answer does not say which brand each account answers for.'],
  headquarters: ['总部', 'Headquarters'],
  regional: ['区域', 'Regional'],
  staff: ['员工', 'Staff'],
  within_30s: ['30秒内', 'Within 30 s'],
  '30s_to_1min': ['30秒–1分钟', '30 s – 1 min'],
  '1_to_5min': ['1–5分钟', '1–5 min'],
  '5_to_30min': ['5–30分钟', '5–30 min'],
  '30min_to_24h': ['30分钟–24小时', '30 min – 24 h'],
  over_24h: ['超过24小时', 'Over 24 h'],
  no_reply: ['未回复', 'No reply'],
};
