-- Default categories and their deadline policies (时限). Administrators
-- change them through SaveCategory; this only seeds a fresh database.
--
-- Disputes (矛盾纠纷) use the GB/T 31000-2015 codes: sign within 24 hours,
-- resolve within 10 working days unless a law says otherwise.
-- Petitions (信访), 信访工作条例 (2022): decide whether to accept within 15
-- days (sign), handle within 60 days (resolve).
-- Hazards (安全隐患): short periods counted in hours.
-- Service requests (民生服务): a day to sign, a few working days to fix.
INSERT INTO categories (code, kind, name, parent, sign_n, sign_unit, resolve_n, resolve_unit) VALUES
    ('01',   'dispute',  '婚恋家庭纠纷',       '',   24, 'hours',    10, 'working'),
    ('0101', 'dispute',  '婚姻纠纷',           '01', 24, 'hours',    10, 'working'),
    ('0102', 'dispute',  '邻里纠纷',           '01', 24, 'hours',    10, 'working'),
    ('04',   'dispute',  '房屋物业纠纷',       '',   24, 'hours',    10, 'working'),
    ('0402', 'dispute',  '物业纠纷',           '04', 24, 'hours',    10, 'working'),
    ('05',   'dispute',  '损害赔偿纠纷',       '',   24, 'hours',    15, 'working'),
    ('0503', 'dispute',  '交通事故纠纷',       '05', 24, 'hours',    15, 'working'),
    ('07',   'dispute',  '劳动人事纠纷',       '',   24, 'hours',    15, 'calendar'),
    ('0701', 'dispute',  '拖欠劳动报酬纠纷',   '07', 24, 'hours',    15, 'calendar'),
    ('09',   'dispute',  '山林土地纠纷',       '',   24, 'hours',    30, 'calendar'),
    ('0902', 'dispute',  '宅基地纠纷',         '09', 24, 'hours',    30, 'calendar'),
    ('11',   'dispute',  '城乡建设纠纷',       '',   24, 'hours',    30, 'calendar'),
    ('XF01', 'petition', '城乡建设类信访',     '',   15, 'calendar', 60, 'calendar'),
    ('XF02', 'petition', '劳动和社会保障类信访', '', 15, 'calendar', 60, 'calendar'),
    ('XF03', 'petition', '农业农村类信访',     '',   15, 'calendar', 60, 'calendar'),
    ('AQ01', 'hazard',   '消防安全隐患',       '',    2, 'hours',    72, 'hours'),
    ('AQ02', 'hazard',   '燃气安全隐患',       '',    1, 'hours',    24, 'hours'),
    ('AQ03', 'hazard',   '房屋建筑安全隐患',   '',    4, 'hours',     5, 'working'),
    ('AQ04', 'hazard',   '道路交通安全隐患',   '',    4, 'hours',    72, 'hours'),
    ('FW01', 'service',  '路灯损坏',           '',   24, 'hours',     3, 'working'),
    ('FW02', 'service',  '供水问题',           '',    4, 'hours',    48, 'hours'),
    ('FW03', 'service',  '环境卫生',           '',   24, 'hours',     3, 'working');
