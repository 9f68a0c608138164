package pingan

import (
	"fmt"
	"strings"
	"time"
)

// DraftFacts are what a document's draft text is filled from: the matter,
// the unit issuing it, the petitioner's name as the reader may see it, and
// the step's particulars.
type DraftFacts struct {
	Case *Case
	// Petitioner is the name the document is addressed to (信访人), "" when
	// unknown (the draft then says 信访人).
	Petitioner string
	// Unit is the issuing unit's name; ToUnit the unit a forward goes to;
	// ReviewUnit the unit a 复查 or 复核 may be asked of.
	Unit, ToUnit, ReviewUnit string
	// Days of an extension, with its Reason; Referral the route of a 告知.
	Days     int
	Reason   string
	Referral Referral
	Opinion  Opinion
	// Due is the day the step's period ends (an extension's new deadline).
	Due *time.Time
	Now time.Time
}

// DraftText answers the text pingan fills a document of kind with, for the
// user to edit before issue: the addressee, what was received and when,
// what was decided and on which article of 《信访工作条例》, and what the
// petitioner may do next.
func DraftText(kind DocKind, f DraftFacts) string {
	c := f.Case
	who := f.Petitioner
	if who == "" {
		who = "信访人"
	}
	received := ""
	if c != nil && c.Petition != nil && !c.Petition.ReceivedOn.IsZero() {
		received = chineseDate(c.Petition.ReceivedOn)
	}
	title := ""
	if c != nil {
		title = c.Title
	}
	var b strings.Builder
	fmt.Fprintf(&b, "%s：\n", who)
	about := fmt.Sprintf("你（们）于%s反映的“%s”信访事项", received, title)
	if received == "" {
		about = fmt.Sprintf("你（们）反映的“%s”信访事项", title)
	}
	switch kind {
	case DocForward:
		fmt.Fprintf(&b, "%s，本机关已收悉。根据《信访工作条例》第二十一条的规定，现%s%s依法处理，请你（们）与该单位联系。", about, f.modeVerb(), f.ToUnit)
	case DocRoute:
		fmt.Fprintf(&b, "%s，本机关已收悉。经审查，你（们）反映的事项属于依法应当通过%s解决的事项。根据《信访工作条例》第二十一条、第二十二条的规定，请你（们）依照有关法律法规规定的程序向有关机关提出。", about, Text(ZH, "referral."+string(f.Referral)))
	case DocRefuse:
		fmt.Fprintf(&b, "%s，本机关已收悉。经审查，该事项不予受理，理由如下：%s\n根据《信访工作条例》的规定，特此告知。", about, f.Reason)
	case DocAccept:
		fmt.Fprintf(&b, "%s，本机关已收悉。经审查，该事项属于本机关职权范围，根据《信访工作条例》第二十二条的规定，决定予以受理，并将自受理之日起60日内办结，办理结果将书面答复你（们）。", about)
	case DocExtend:
		due := ""
		if f.Due != nil {
			due = "，办理期限延长至" + chineseDate(*f.Due)
		}
		fmt.Fprintf(&b, "%s，本机关已依法受理。因%s，经本机关负责人批准，根据《信访工作条例》第三十四条的规定，办理期限延长%d日%s。特此告知。", about, f.Reason, f.Days, due)
	case DocAnswer:
		fmt.Fprintf(&b, "%s，本机关已依法受理。\n一、信访人的请求、事实和理由：\n二、调查核实的情况：\n三、处理意见及其依据：%s。\n如对本处理意见不服，可以自收到本意见书之日起30日内向%s请求复查（《信访工作条例》第三十五条）。", about, f.Opinion.Label(), f.reviewUnit())
	case DocReviewAnswer:
		fmt.Fprintf(&b, "你（们）对%s的处理意见不服，请求复查。本机关依法进行了复查。\n一、复查请求及理由：\n二、复查认定的事实：\n三、复查意见：%s。\n如对本复查意见不服，可以自收到本意见书之日起30日内向%s请求复核（《信访工作条例》第三十六条）。", about, f.Opinion.Label(), f.reviewUnit())
	case DocRecheckAnswer:
		fmt.Fprintf(&b, "你（们）对%s的复查意见不服，请求复核。本机关依法进行了复核。\n一、复核请求及理由：\n二、复核认定的事实：\n三、复核意见：%s。\n本复核意见为终结意见。根据《信访工作条例》第三十六条的规定，信访人仍以同一事实和理由提出投诉请求的，不再受理。", about, f.Opinion.Label())
	}
	return b.String()
}

func (f DraftFacts) modeVerb() string {
	if f.Case != nil && f.Case.Petition != nil && f.Case.Petition.ForwardMode == ForwardAssign {
		return "交由"
	}
	return "转送"
}

func (f DraftFacts) reviewUnit() string {
	if f.ReviewUnit != "" {
		return f.ReviewUnit
	}
	return "上一级机关"
}

// chineseDate writes a day as 2026年3月2日 (China Standard Time).
func chineseDate(t time.Time) string {
	y, m, d := t.In(CST).Date()
	return fmt.Sprintf("%d年%d月%d日", y, int(m), d)
}
