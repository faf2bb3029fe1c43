/** Word lists for believable Chinese company and person names. */
export const SURNAMES = ['王', '李', '张', '刘', '陈', '杨', '黄', '赵', '吴', '周', '徐', '孙', '马', '朱', '胡', '郭', '何', '高', '林', '罗', '郑', '梁', '谢', '宋', '唐', '许', '韩', '冯', '邓', '曹', '彭', '曾', '萧', '田', '董', '袁', '潘', '于', '蒋', '蔡'];
export const GIVEN = ['伟', '芳', '娜', '敏', '静', '丽', '强', '磊', '军', '洋', '勇', '艳', '杰', '娟', '涛', '明', '超', '秀英', '霞', '平', '刚', '桂英', '建华', '建国', '志强', '海燕', '晓东', '文博', '子涵', '浩然', '雨轩', '思远', '一鸣', '国栋', '振华', '立新', '红梅', '春生', '永刚', '德明'];

/** City, its province-level 6-digit administrative division code, and region. */
export const CITIES: { city: string; division: string; region: string }[] = [
  { city: '北京', division: '110105', region: '华北' },
  { city: '天津', division: '120101', region: '华北' },
  { city: '石家庄', division: '130102', region: '华北' },
  { city: '太原', division: '140105', region: '华北' },
  { city: '上海', division: '310115', region: '华东' },
  { city: '南京', division: '320102', region: '华东' },
  { city: '苏州', division: '320505', region: '华东' },
  { city: '杭州', division: '330106', region: '华东' },
  { city: '宁波', division: '330203', region: '华东' },
  { city: '合肥', division: '340104', region: '华东' },
  { city: '济南', division: '370102', region: '华东' },
  { city: '广州', division: '440106', region: '华南' },
  { city: '深圳', division: '440305', region: '华南' },
  { city: '佛山', division: '440604', region: '华南' },
  { city: '南宁', division: '450103', region: '华南' },
  { city: '厦门', division: '350203', region: '华南' },
  { city: '成都', division: '510107', region: '西南' },
  { city: '重庆', division: '500103', region: '西南' },
  { city: '昆明', division: '530102', region: '西南' },
  { city: '贵阳', division: '520102', region: '西南' },
];

export const BRAND_WORDS = ['宏达', '华建', '远大', '恒信', '中联', '金鼎', '鼎盛', '天成', '瑞丰', '嘉禾', '永安', '长城', '东方', '新世纪', '万通', '盛世', '安泰', '广厦', '腾飞', '正阳', '华润', '中天', '海川', '锦绣', '信达', '卓越', '凯旋', '同创', '博远', '汇通'];

export const INDUSTRIES: { name: string; suffixes: string[]; products: string[] }[] = [
  { name: '建筑施工', suffixes: ['建设集团有限公司', '建筑工程有限公司', '建工集团股份有限公司'], products: ['房屋建筑总承包', '市政工程', '装配式建筑'] },
  { name: '房地产开发', suffixes: ['置业有限公司', '房地产开发有限公司', '地产集团有限公司'], products: ['住宅开发', '商业综合体', '产业园区'] },
  { name: '电力设备', suffixes: ['电气股份有限公司', '电力设备有限公司', '输变电工程有限公司'], products: ['变压器', '高低压开关柜', '电缆桥架'] },
  { name: '电梯及配件', suffixes: ['电梯有限公司', '电梯工程有限公司', '机电设备有限公司'], products: ['乘客电梯', '自动扶梯', '电梯导轨'] },
  { name: '建筑装饰', suffixes: ['装饰工程有限公司', '幕墙工程有限公司', '装饰集团有限公司'], products: ['公装工程', '幕墙系统', '精装修'] },
  { name: '轨道交通', suffixes: ['轨道交通建设有限公司', '地铁集团有限公司'], products: ['地铁站房', '轨道机电', '车辆段'] },
  { name: '医疗卫生', suffixes: ['医院', '医疗投资集团有限公司'], products: ['医院新建', '病房楼改造'] },
  { name: '教育', suffixes: ['教育投资有限公司', '大学'], products: ['校区建设', '实验楼'] },
];

export const PROJECT_WORDS = ['综合楼', '产业园一期', '产业园二期', '商业广场', '住宅小区', '办公大楼', '变电站', '地铁站', '医院门诊楼', '学校教学楼', '物流中心', '数据中心', '会展中心', '保障房项目', '安置房项目'];

export const TITLES = ['董事长', '总经理', '副总经理', '总工程师', '采购部经理', '工程部经理', '财务总监', '项目经理', '技术负责人', '招采主管', '设备部部长', '总经济师'];
export const DEPARTMENTS = ['总经理办公室', '采购部', '工程部', '财务部', '技术部', '设备部', '招标采购中心', '项目管理部'];
export const HOBBIES = ['钓鱼', '羽毛球', '书法', '摄影', '登山', '乒乓球', '茶艺', '高尔夫', '围棋', '太极拳'];
