package demo

import (
	"context"
	"fmt"
	"time"

	"github.com/pingan-gov/pingan"
)

// profile is how a category of case happens in the demo city: how often,
// where, in which season, what people report, and who handles it.
type profile struct {
	code   string
	weight float64 // relative number a year
	// urban and rural scale the weight in communities (and dedicated
	// grids) and in villages: no 物业 in a village, no 宅基地 in a city.
	urban, rural float64
	// months scales the weight by month, January first (0 is 1).
	months [12]float64
	// before and after scale the weight in the 30 days before 春节 (wages
	// owed before the new year) and the 20 days from it (families together).
	before, after float64
	// reports are titles and what the reporter said.
	reports [][2]string
	// to are who a county or city centre dispatches it to: "T" the
	// township, or the suffix of a county department (GA, ZJ …).
	to []string
	// onSite is the share a grid worker settles on the spot (就地化解).
	onSite float64
	// results are what the handler reports back: one for each report
	// when there are as many, else any.
	results []string
}

var (
	disputeResults = []string{
		"经人民调解，双方自愿达成调解协议，当场履行完毕",
		"经多次调解，双方达成和解，已签订调解协议书",
		"组织双方当面沟通，释法明理，双方认可处理意见",
		"经调解委员会调解达成协议，已回访确认履行",
	}
	petitionResults = []string{
		"已依政策书面答复信访人，信访人表示接受",
		"已协调相关部门落实，信访事项办结，信访人认可",
		"已面谈答复并送达处理意见书",
	}
)

// summer and winter scale weights by month, January first.
var (
	summer = [12]float64{0.8, 0.8, 0.9, 1, 1.1, 1.3, 1.5, 1.5, 1.2, 1, 0.9, 0.8}
	winter = [12]float64{1.6, 1.5, 1.2, 0.9, 0.7, 0.6, 0.6, 0.6, 0.7, 0.9, 1.3, 1.6}
	spring = [12]float64{0.8, 0.8, 1.5, 1.6, 1.4, 1, 0.9, 0.9, 1.2, 1.2, 0.8, 0.7} // ploughing, building, harvest
	work   = [12]float64{1, 0.9, 0.9, 1.1, 1.2, 1.2, 1.2, 1.2, 1.2, 1.1, 1, 0.8}   // the building season
)

var profiles = []*profile{
	// 矛盾纠纷 (GB/T 31000-2015, disputeTree)
	{code: "02", weight: 10, urban: 1.3, rural: 0.8, months: summer, to: []string{"T", "T", "SF"}, onSite: 0.25, results: disputeResults,
		reports: [][2]string{
			{"楼上漏水引发邻里纠纷", "楼上卫生间漏水致楼下天花板渗水，多次协商未果，双方发生争吵"},
			{"邻里噪音纠纷", "楼上住户夜间噪音扰民，楼下住户多次交涉无果，矛盾激化"},
			{"楼道堆放杂物引发争执", "邻居长期在楼道堆放杂物，影响通行，双方发生口角"},
			{"养犬扰民纠纷", "邻居饲养犬只夜间吠叫、随地便溺，双方多次争吵"},
			{"排水沟堵塞引发邻里矛盾", "两户之间排水沟被一方堵塞，雨后积水，双方互不相让"},
		}},
	{code: "0101", weight: 4, urban: 1, rural: 1, after: 1.8, to: []string{"T", "SF"}, onSite: 0.15, results: disputeResults,
		reports: [][2]string{
			{"夫妻矛盾需调解", "夫妻因家庭琐事长期争吵，一方要求离婚，请求调解"},
			{"离婚财产分割纠纷", "双方协议离婚后就房产分割产生争议"},
			{"婚后子女抚养纠纷", "离婚后双方就子女抚养费支付发生争执"},
		}},
	{code: "0102", weight: 2.5, urban: 0.9, rural: 1.2, after: 1.8, to: []string{"T", "SF"}, onSite: 0.2, results: disputeResults,
		reports: [][2]string{
			{"赡养老人纠纷", "兄弟姐妹之间就老人赡养费用分担产生争执"},
			{"兄弟分家矛盾", "兄弟二人因父母房产分配问题产生矛盾"},
		}},
	{code: "01", weight: 1, urban: 0.9, rural: 1.2, after: 1.8, to: []string{"T", "SF"}, onSite: 0.2, results: disputeResults,
		reports: [][2]string{
			{"彩礼返还纠纷", "订婚后解除婚约，双方就彩礼返还数额争执不下"},
			{"恋爱期间财物返还纠纷", "恋爱关系结束后，双方就恋爱期间的转账和贵重财物是否返还发生争执"},
		}},
	{code: "0402", weight: 6, urban: 1.6, rural: 0.05, to: []string{"ZJ", "T"}, results: disputeResults,
		reports: [][2]string{
			{"物业费收缴纠纷", "业主以服务不到位为由拒交物业费，物业公司催缴引发矛盾"},
			{"电梯长期故障引发业主与物业矛盾", "小区电梯多次故障停运，业主与物业公司就维修费用发生争执"},
			{"小区停车位纠纷", "小区车位不足，业主与物业就停车收费和车位分配发生争议"},
		}},
	{code: "04", weight: 2, urban: 1.2, rural: 0.6, to: []string{"ZJ", "SF"}, results: disputeResults,
		reports: [][2]string{
			{"房屋租赁押金纠纷", "租客退租后房东以房屋损坏为由扣留押金，双方争执"},
			{"二手房买卖过户纠纷", "卖方收取定金后拒绝办理过户，买方要求处理"},
		}},
	{code: "0503", weight: 3, urban: 1.1, rural: 0.9, months: [12]float64{1.3, 1.2, 1, 1, 1, 1, 1.1, 1.1, 1, 1, 1, 1.3}, to: []string{"GA", "SF"}, results: disputeResults,
		reports: [][2]string{
			{"交通事故赔偿争议", "电动车与小轿车剐蹭致人受伤，双方就赔偿金额协商不成"},
			{"农用三轮车事故赔偿纠纷", "农用三轮车与摩托车相撞，责任已认定，赔偿未落实"},
		}},
	{code: "0502", weight: 1.2, urban: 1.2, rural: 0.8, to: []string{"SF"}, results: disputeResults,
		reports: [][2]string{
			{"手术后并发症医疗纠纷", "患者在乡镇卫生院手术后出现并发症，家属认为医院存在过错，要求赔偿"},
			{"医疗费用争议", "患者家属对住院费用和诊疗过程有异议，在医院滞留不走"},
		}},
	{code: "05", weight: 2, urban: 1, rural: 1, to: []string{"SF", "T"}, onSite: 0.15, results: disputeResults,
		reports: [][2]string{
			{"装修损坏邻居房屋赔偿纠纷", "装修施工致邻居墙面开裂，双方就赔偿发生争议"},
			{"宠物咬伤赔偿纠纷", "居民被邻居饲养的犬只咬伤，就医疗费用赔偿协商不成"},
		}},
	{code: "0701", weight: 4, urban: 1.2, rural: 0.8, months: [12]float64{1.3, 1, 0.8, 0.8, 0.9, 1, 1, 1, 1, 1, 1.1, 1.5}, before: 3, to: []string{"RS", "RS", "T"}, results: []string{
		"经协调，用工方已足额支付拖欠工资",
		"已责令用工单位限期支付，劳动者已领到工资",
		"已通过农民工工资保证金先行垫付",
	}, reports: [][2]string{
		{"建筑工地拖欠农民工工资", "某建筑工地拖欠二十余名农民工工资，工人临近年关要求结清"},
		{"餐馆拖欠员工工资", "餐馆停业后拖欠员工三个月工资，经理失联"},
		{"装修队拖欠工钱", "装修队包工头拖欠工人工钱，工人多次讨要未果"},
	}},
	{code: "07", weight: 2, urban: 1.2, rural: 0.7, to: []string{"RS"}, results: disputeResults,
		reports: [][2]string{
			{"解除劳动合同补偿纠纷", "企业单方解除劳动合同，员工要求支付经济补偿金"},
			{"工伤认定纠纷", "工人在工作中受伤，与用人单位就工伤待遇产生争议"},
		}},
	{code: "0902", weight: 2.5, urban: 0.05, rural: 2.2, months: spring, to: []string{"T"}, results: disputeResults,
		reports: [][2]string{
			{"宅基地边界争议", "两户村民因宅基地界址不清发生争执，一方砌墙占用通道"},
			{"建房占用宅基地纠纷", "村民新建房屋超出审批范围，邻户认为占用其宅基地"},
		}},
	{code: "09", weight: 2, urban: 0.05, rural: 2, months: spring, to: []string{"T"}, results: disputeResults,
		reports: [][2]string{
			{"土地承包经营权纠纷", "村民外出务工后回乡，与耕种其承包地的亲属发生争议"},
			{"耕地边界争议", "相邻两户承包地边界不清，春耕时发生争执"},
			{"灌溉用水纠纷", "上下游农户因灌溉用水先后顺序发生争执"},
		}},
	{code: "11", weight: 2, urban: 1.3, rural: 0.6, months: work, to: []string{"ZJ", "T"}, results: disputeResults,
		reports: [][2]string{
			{"违章搭建影响通行", "一楼住户在公共区域违章搭建，影响其他居民通行"},
			{"施工噪音扰民纠纷", "附近工地夜间施工噪音扰民，居民与施工方发生冲突"},
		}},
	// 信访
	{code: "XF01", weight: 4, urban: 1.3, rural: 0.7, to: []string{"ZJ", "T"}, results: petitionResults,
		reports: [][2]string{
			{"反映老旧小区改造问题", "来信反映老旧小区改造施工进度缓慢、质量存在问题"},
			{"反映拆迁安置问题", "来访反映拆迁安置房迟迟未交付"},
			{"反映小区违建问题", "来信反映小区内多处违法建设长期未拆除"},
		}},
	{code: "XF02", weight: 3, urban: 1, rural: 1, before: 1.8, to: []string{"RS"}, results: petitionResults,
		reports: [][2]string{
			{"反映养老保险待遇问题", "来访反映养老保险待遇核定有误，要求重新核算"},
			{"反映医保报销问题", "来信反映异地就医医保报销手续繁琐、迟迟未报销"},
			{"反映企业拖欠社保问题", "来访反映原单位未足额缴纳社会保险"},
		}},
	{code: "XF03", weight: 2.5, urban: 0.3, rural: 1.8, to: []string{"T"}, results: petitionResults,
		reports: [][2]string{
			{"反映征地补偿问题", "来访反映征地补偿款未按标准发放"},
			{"反映土地流转费用问题", "来信反映土地流转费用未按合同支付"},
			{"反映农业补贴发放问题", "来访反映耕地地力保护补贴未发放到户"},
		}},
	// 安全隐患
	{code: "AQ01", weight: 8, urban: 1.2, rural: 0.8, months: [12]float64{1.5, 1.5, 1, 0.9, 0.9, 1, 1.2, 1.2, 0.9, 1, 1.2, 1.4}, before: 1.3, to: []string{"YJ", "T", "SJ"}, results: []string{"已责令商户规范线路敷设，复查合格，隐患消除", "已清理消防通道并设置禁停标识，复查合格", "已劝导居民将电动车移至集中充电点，并张贴安全提示", "已督促门店更换灭火器，复查合格"},
		reports: [][2]string{
			{"商铺私拉电线", "临街商铺私拉乱接电线，线路老化，存在火灾隐患"},
			{"消防通道堵塞", "小区消防通道被车辆和杂物长期占用"},
			{"电动车楼道充电", "居民将电动车推入楼道飞线充电"},
			{"灭火器过期失效", "沿街门店配备的灭火器已过期，压力不足"},
		}},
	{code: "AQ02", weight: 5, urban: 1.2, rural: 0.7, months: winter, to: []string{"ZJ", "SJ", "YJ"}, results: []string{"燃气公司已更换老化管道，检测无泄漏", "已责令餐馆规范存放气瓶并加装报警装置，复查合格", "已关阀检修，泄漏点已修复，复测正常"},
		reports: [][2]string{
			{"燃气管道老化", "老旧小区燃气管道锈蚀，楼道内有燃气异味"},
			{"餐馆液化气瓶存放不规范", "餐馆后厨存放多个液化气钢瓶，未设置报警装置"},
			{"燃气泄漏异味", "居民反映单元楼内闻到明显燃气味"},
		}},
	{code: "AQ03", weight: 4, urban: 1, rural: 1.1, months: summer, to: []string{"ZJ"}, results: []string{"已设置警戒区域并疏散住户，房屋已完成加固", "已责令停止加层施工，委托鉴定后整改", "已清除松动瓷砖，外墙完成修缮"},
		reports: [][2]string{
			{"危房墙体开裂", "连续降雨后一处老旧房屋墙体出现贯通裂缝"},
			{"自建房加层存在隐患", "居民自建房擅自加盖楼层，未经安全鉴定"},
			{"外墙瓷砖脱落", "临街楼房外墙瓷砖松动脱落，危及行人"},
		}},
	{code: "AQ04", weight: 4, urban: 1.1, rural: 0.9, months: [12]float64{1.3, 1.2, 0.9, 0.9, 0.9, 1.1, 1.4, 1.4, 1, 0.9, 1, 1.3}, to: []string{"GA", "ZJ"}, results: []string{"已设置警示标志并完成路面修补", "已补装井盖，恢复通行", "已修复信号灯，路口通行恢复正常"},
		reports: [][2]string{
			{"路面塌陷", "道路路面出现塌陷坑洞，夜间存在交通安全隐患"},
			{"井盖缺失", "人行道上窨井盖缺失，仅用树枝遮挡"},
			{"路口信号灯损坏", "十字路口信号灯不亮，车辆通行混乱"},
		}},
	// 民生服务
	{code: "FW01", weight: 7, urban: 1.2, rural: 0.7, months: [12]float64{1.3, 1.2, 1, 0.9, 0.8, 0.8, 0.8, 0.8, 0.9, 1.1, 1.2, 1.3}, to: []string{"ZJ", "T"}, results: []string{"已更换灯具，路灯恢复照明", "已扶正加固灯杆，恢复照明"},
		reports: [][2]string{
			{"路灯不亮", "小区主干道多盏路灯夜间不亮，居民出行不便"},
			{"路灯杆倾斜", "路灯杆被车辆撞击后倾斜，有倒塌危险"},
		}},
	{code: "FW02", weight: 7, urban: 1.1, rural: 0.9, months: [12]float64{1.5, 1.4, 1, 0.9, 0.9, 1.1, 1.4, 1.4, 1, 0.9, 1, 1.3}, to: []string{"ZJ"}, results: []string{"已督促供水企业恢复供水，并要求停水前张贴公告", "已调整加压设备，水压恢复正常", "已抢修管道，恢复供水", "已冲洗管网，水质检测合格"},
		reports: [][2]string{
			{"停水未通知", "小区突然停水，未提前发布通知"},
			{"水压不足", "高层住户水压不足，用水困难"},
			{"水管冻裂", "入户水管冻裂漏水，影响整栋楼供水"},
			{"自来水浑浊", "居民反映自来水发黄浑浊"},
		}},
	{code: "FW03", weight: 10, urban: 1.1, rural: 0.9, months: summer, to: []string{"T", "ZJ"}, results: []string{"已清运垃圾，增加清运频次", "已疏通下水道，恢复排水", "已维修公厕设施，恢复使用", "已清理垃圾堆放点并纳入日常巡查"},
		reports: [][2]string{
			{"垃圾清运不及时", "小区垃圾桶满溢，多日无人清运，气味难闻"},
			{"下水道堵塞", "街巷下水道堵塞，污水外溢"},
			{"公厕损坏", "公共厕所水箱损坏，无法正常使用"},
			{"村道垃圾堆放", "村道旁长期堆放生活垃圾，影响环境"},
		}},
}

// disputeTree is the top of the GB/T 31000-2015 dispute categories the demo
// city files its cases under, written over the categories a fresh database
// starts with, which put 邻里纠纷 under 01 婚恋家庭纠纷: a neighbours'
// dispute is a category of its own (02), and 婚恋家庭纠纷 holds marriage
// (0101) and family (0102) disputes. Each keeps the deadline policy of the
// category it replaces, or of its parent.
var disputeTree = []*pingan.Category{
	{Code: "01", Kind: pingan.KindDispute, Name: "婚恋家庭纠纷", OrgType: pingan.OrgFamily},
	{Code: "0101", Kind: pingan.KindDispute, Name: "婚姻纠纷", Parent: "01", OrgType: pingan.OrgFamily},
	{Code: "0102", Kind: pingan.KindDispute, Name: "家庭纠纷", Parent: "01", OrgType: pingan.OrgFamily},
	{Code: "02", Kind: pingan.KindDispute, Name: "邻里纠纷"},
	{Code: "0502", Kind: pingan.KindDispute, Name: "医疗纠纷", Parent: "05", OrgType: pingan.OrgMedical},
}

// fixCategories writes disputeTree through the category service, as the
// operator, keeping each category's deadline policy.
func fixCategories(ctx context.Context, svc pingan.CategoryService) error {
	cats, err := svc.Categories(ctx)
	if err != nil {
		return err
	}
	byCode := map[string]*pingan.Category{}
	for _, c := range cats {
		byCode[c.Code] = c
	}
	fallback := pingan.Policy{Sign: pingan.Period{N: 24, Unit: "hours"}, Resolve: pingan.Period{N: 10, Unit: "working"}}
	if c := byCode["01"]; c != nil {
		fallback = c.Policy
	}
	for _, t := range disputeTree {
		c := *t
		c.Policy = fallback
		if old := byCode[c.Code]; old != nil {
			c.Policy = old.Policy
		}
		if err := svc.SaveCategory(ctx, nil, &c); err != nil {
			return fmt.Errorf("demo category %s: %w", c.Code, err)
		}
	}
	return nil
}

// springFestival are the dates of 春节 (the lunar new year).
var springFestival = map[int]string{
	2020: "01-25", 2021: "02-12", 2022: "02-01", 2023: "01-22", 2024: "02-10", 2025: "01-29",
	2026: "02-17", 2027: "02-06", 2028: "01-26", 2029: "02-13", 2030: "02-03", 2031: "01-23",
}

// festival answers how many days day lies after the 春节 nearest to it
// (negative before it).
func festival(day time.Time) int {
	best := 1 << 30
	for _, y := range []int{day.Year() - 1, day.Year(), day.Year() + 1} {
		md, ok := springFestival[y]
		if !ok {
			md = "02-01"
		}
		f, _ := time.ParseInLocation("2006-01-02", fmt.Sprintf("%d-%s", y, md), pingan.CST)
		d := int(day.Sub(f).Hours() / 24)
		if abs(d) < abs(best) {
			best = d
		}
	}
	return best
}

func abs(n int) int {
	if n < 0 {
		return -n
	}
	return n
}

// rate answers the weight of the profile on day in a place of the type.
func (p *profile) rate(day time.Time, fromFestival int, urban bool) float64 {
	w := p.weight
	if m := p.months[day.Month()-1]; m > 0 {
		w *= m
	}
	switch {
	case p.before > 0 && fromFestival >= -30 && fromFestival < 0:
		w *= p.before
	case p.after > 0 && fromFestival >= 0 && fromFestival < 20:
		w *= p.after
	}
	if urban {
		return w * p.urban
	}
	return w * p.rural
}
