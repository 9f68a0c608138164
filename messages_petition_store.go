package pingan

// petitionStoreMessages are the words of a petition's record as the store
// keeps it and the API serves it: its documents, their drafts, the
// suggestion of similar matters and the rules for petitions.
var petitionStoreMessages = map[string][2]string{
	"petition.not_petition":       {"%s 不是信访件", "%s is not a petition"},
	"petition.document.personal":  {"文书正文含信访人个人信息，您无权查看", "the document's text names the petitioner: you may not read it"},
	"petition.document.notfound":  {"此件没有编号为 %d 的文书", "this matter has no document %d"},
	"petition.document.system":    {"文书须由工作人员出具", "a document is issued by a member of staff"},
	"petition.kind.unknown":       {"未知文书类型 %s", "unknown kind of document %s"},
	"petition.draft.forbidden":    {"您现在不能出具%s", "you cannot issue the %s now"},
	"petition.number.used":        {"文号 %s 已被本单位使用", "number %s is used by this unit already"},
	"petition.similar.petitioner": {"同一信访人", "the same petitioner"},
	"petition.similar.title":      {"内容相近", "similar content"},
	"petition.settings.forbidden": {"只有全辖区的管理员可以修改信访设置", "only an administrator of the whole tree may change the rules for petitions"},
}
